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
  /** Commands per CPU second through the department over the in-memory store with `telemetry: false`, best of four. */
  readonly withoutTelemetryCommandsPerSecond: number;
  /** The same with the instrumentation on and no SDK registered: `@opentelemetry/api` alone. */
  readonly noSdkCommandsPerSecond: number;
  /** The same with an SDK registered that samples every span and collects every metric. */
  readonly sdkCommandsPerSecond: number;
  readonly spansPerCommand: number;
  /** The share of throughput the instrumentation takes with no SDK: 1 − no SDK / without telemetry (target ≤ 0.1). */
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

/** Rounds of the three runs; each figure is the best of them, as a shared machine only ever slows a run down. */
const ROUNDS = 4;

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

/**
 * The instrumentation's cost: the simulated year through the department on the in-memory store (where
 * the library's own work is the largest share of a command), without telemetry, with it and no SDK,
 * and with an SDK, interleaved, best of four each.
 */
export const measureTelemetryCost = async (orders: number, progress: Progress = () => undefined): Promise<TelemetryCostFigures> => {
  let without = 0;
  let noSdk = 0;
  let sdk = 0;
  let commands = 0;
  let spans = 0;
  // A first pass warms the JIT up for all three; then each round runs them in the opposite order of
  // the one before, so that none always comes first or right after the SDK's garbage.
  progress('telemetry: warming up');
  await runCommands(new InMemoryEventStore(), orders);
  const runs: Array<() => Promise<void>> = [
    async () => {
      const none = await runCommands(new InMemoryEventStore(), orders, { telemetry: false });
      without = Math.max(without, rate(none.commands, none.seconds));
      commands = none.commands;
    },
    async () => {
      const off = await runCommands(new InMemoryEventStore(), orders);
      noSdk = Math.max(noSdk, rate(off.commands, off.seconds));
    },
    async () => {
      const processor = new CountingProcessor();
      const on = await withSdk(processor, () => runCommands(new InMemoryEventStore(), orders));
      sdk = Math.max(sdk, rate(on.commands, on.seconds));
      spans = processor.ended;
    },
  ];
  for (let round = 1; round <= ROUNDS; round += 1) {
    progress(`telemetry: without it, with no SDK and with an SDK, round ${round} of ${ROUNDS}`);
    for (const run of round % 2 === 1 ? runs : [...runs].reverse()) await run();
  }
  return {
    commands,
    withoutTelemetryCommandsPerSecond: without,
    noSdkCommandsPerSecond: noSdk,
    sdkCommandsPerSecond: sdk,
    spansPerCommand: Number((spans / commands).toFixed(2)),
    noSdkCost: Number((1 - noSdk / without).toFixed(3)),
    sdkCost: Number((1 - sdk / without).toFixed(3)),
  };
};

export const formatTelemetryCost = (figures: TelemetryCostFigures): string =>
  [
    `telemetry over ${figures.commands.toLocaleString('en')} commands (memory store, commands per CPU second, best of ${ROUNDS}):`,
    `  telemetry: false     ${figures.withoutTelemetryCommandsPerSecond.toLocaleString('en')}`,
    `  no SDK registered    ${figures.noSdkCommandsPerSecond.toLocaleString('en')}  (${(figures.noSdkCost * 100).toFixed(1)}% of throughput; target ≤ ${TELEMETRY_OFF_TARGET * 100}%)`,
    `  SDK, every span      ${figures.sdkCommandsPerSecond.toLocaleString('en')}  (${figures.spansPerCommand} spans a command; ${(figures.sdkCost * 100).toFixed(1)}% of throughput)`,
  ].join('\n');
