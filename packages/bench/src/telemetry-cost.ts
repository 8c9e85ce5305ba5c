import { context, metrics, trace } from '@opentelemetry/api';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { InMemoryEventStore } from '@aftersales/core';
import { runCommands } from './pipeline.js';
import type { Progress } from './command-targets.js';
import type { Timing } from './stopwatch.js';

/** The target: the instrumentation costs at most this share of command throughput with no SDK. */
export const TELEMETRY_OFF_TARGET = 0.1;

export interface TelemetryCostFigures {
  readonly commands: number;
  /** Commands per CPU second through the department over the in-memory store with `telemetry: false`, median of the rounds. */
  readonly withoutTelemetryCommandsPerSecond: number;
  /** The same with the instrumentation on and no SDK registered: `@opentelemetry/api` alone. */
  readonly noSdkCommandsPerSecond: number;
  /** The same with an SDK registered that samples every span and collects every metric. */
  readonly sdkCommandsPerSecond: number;
  readonly spansPerCommand: number;
  /** The share of throughput the instrumentation takes with no SDK: the median over rounds of 1 − no SDK / without telemetry (target ≤ 0.1). */
  readonly noSdkCost: number;
  /** The share of throughput an SDK that records every span takes: 1 − with SDK / without telemetry. */
  readonly sdkCost: number;
}

/** Counts the spans ended and drops them: the SDK's whole cost but the exporter's. */
class CountingProcessor implements SpanProcessor {
  ended = 0;
  onStart(): void {}
  onEnd(_span: ReadableSpan): void {
    this.ended += 1;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** Rounds of the three runs. */
const ROUNDS = 7;

const rate = (count: number, seconds: Timing): number => (seconds.cpu > 0 ? Math.round(count / seconds.cpu) : 0);

/** One pass of the year with an SDK registered, unregistered afterwards. */
const withSdk = async <A>(processor: CountingProcessor, work: () => Promise<A>): Promise<A> => {
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [processor] });
  const reader = new PeriodicExportingMetricReader({ exporter: new InMemoryMetricExporter(AggregationTemporality.DELTA), exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  trace.setGlobalTracerProvider(tracerProvider);
  metrics.setGlobalMeterProvider(meterProvider);
  try {
    return await work();
  } finally {
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
    trace.disable();
    metrics.disable();
    context.disable();
  }
};

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The instrumentation's cost: the simulated year through the department on the in-memory store (where
 * the library's own work is the largest share of a command), without telemetry, with it and no SDK,
 * and with an SDK. The three run back to back in each round, in the opposite order of the round
 * before; each cost is the median over the rounds of that round's ratio, since on a shared machine
 * runs close in time see the same load and rounds apart do not.
 */
export const measureTelemetryCost = async (orders: number, progress: Progress = () => undefined, rounds = ROUNDS): Promise<TelemetryCostFigures> => {
  const rates = { without: [] as number[], noSdk: [] as number[], sdk: [] as number[] };
  let commands = 0;
  let spans = 0;
  progress('telemetry: warming up');
  await runCommands(new InMemoryEventStore(), orders);
  const runs: Array<() => Promise<void>> = [
    async () => {
      const none = await runCommands(new InMemoryEventStore(), orders, { telemetry: false });
      rates.without.push(rate(none.commands, none.seconds));
      commands = none.commands;
    },
    async () => {
      const off = await runCommands(new InMemoryEventStore(), orders);
      rates.noSdk.push(rate(off.commands, off.seconds));
    },
    async () => {
      const processor = new CountingProcessor();
      const on = await withSdk(processor, () => runCommands(new InMemoryEventStore(), orders));
      rates.sdk.push(rate(on.commands, on.seconds));
      spans = processor.ended;
    },
  ];
  for (let round = 1; round <= rounds; round += 1) {
    progress(`telemetry: without it, with no SDK and with an SDK, round ${round} of ${rounds}`);
    for (const run of round % 2 === 1 ? runs : [...runs].reverse()) await run();
  }
  const costOf = (with_: readonly number[]): number => Number(median(with_.map((value, round) => 1 - value / rates.without[round]!)).toFixed(3));
  return {
    commands,
    withoutTelemetryCommandsPerSecond: median(rates.without),
    noSdkCommandsPerSecond: median(rates.noSdk),
    sdkCommandsPerSecond: median(rates.sdk),
    spansPerCommand: Number((spans / commands).toFixed(2)),
    noSdkCost: costOf(rates.noSdk),
    sdkCost: costOf(rates.sdk),
  };
};

export const formatTelemetryCost = (figures: TelemetryCostFigures): string =>
  [
    `telemetry over ${figures.commands.toLocaleString('en')} commands (memory store, commands per CPU second, medians of the rounds):`,
    `  telemetry: false     ${figures.withoutTelemetryCommandsPerSecond.toLocaleString('en')}`,
    `  no SDK registered    ${figures.noSdkCommandsPerSecond.toLocaleString('en')}  (${(figures.noSdkCost * 100).toFixed(1)}% of throughput; target ≤ ${TELEMETRY_OFF_TARGET * 100}%)`,
    `  SDK, every span      ${figures.sdkCommandsPerSecond.toLocaleString('en')}  (${figures.spansPerCommand} spans a command; ${(figures.sdkCost * 100).toFixed(1)}% of throughput)`,
  ].join('\n');
