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
  /** Commands per CPU second through the department over the in-memory store, best of three. */
  readonly noSdkCommandsPerSecond: number;
  /** The same with an SDK registered that samples every span and collects every metric. */
  readonly sdkCommandsPerSecond: number;
  readonly spansPerCommand: number;
  /** The share of throughput the SDK takes: 1 − with SDK / without. */
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
 * the library's own work is the largest share of a command), without an SDK and with one, interleaved.
 */
export const measureTelemetryCost = async (orders: number, progress: Progress = () => undefined): Promise<TelemetryCostFigures> => {
  let noSdk = 0;
  let sdk = 0;
  let commands = 0;
  let spans = 0;
  for (let round = 1; round <= 3; round += 1) {
    progress(`telemetry: without and with an SDK, round ${round} of 3`);
    const off = await runCommands(new InMemoryEventStore(), orders);
    noSdk = Math.max(noSdk, rate(off.commands, off.seconds));
    const processor = new CountingProcessor();
    const on = await withSdk(processor, () => runCommands(new InMemoryEventStore(), orders));
    sdk = Math.max(sdk, rate(on.commands, on.seconds));
    commands = off.commands;
    spans = processor.ended;
  }
  return {
    commands,
    noSdkCommandsPerSecond: noSdk,
    sdkCommandsPerSecond: sdk,
    spansPerCommand: Number((spans / commands).toFixed(2)),
    sdkCost: Number((1 - sdk / noSdk).toFixed(3)),
  };
};

export const formatTelemetryCost = (figures: TelemetryCostFigures): string =>
  [
    `telemetry over ${figures.commands.toLocaleString('en')} commands (memory store, commands per CPU second, best of 3):`,
    `  no SDK registered    ${figures.noSdkCommandsPerSecond.toLocaleString('en')}`,
    `  SDK, every span      ${figures.sdkCommandsPerSecond.toLocaleString('en')}  (${figures.spansPerCommand} spans a command; ${(figures.sdkCost * 100).toFixed(1)}% of throughput)`,
  ].join('\n');
