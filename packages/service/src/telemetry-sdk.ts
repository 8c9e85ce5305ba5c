import type { Writable } from 'node:stream';
import type { HrTime } from '@opentelemetry/api';
import { metrics, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** What `startTelemetry` registered, to shut down before the process ends. */
export interface Telemetry {
  /** Whether an SDK was registered (some exporter is not `none`). */
  readonly enabled: boolean;
  /** Exports what is pending and unregisters the SDK; call it before the process ends. */
  shutdown(): Promise<void>;
}

/** The exporters `OTEL_TRACES_EXPORTER` and `OTEL_METRICS_EXPORTER` may name. */
export type ExporterName = 'console' | 'otlp' | 'none';

/** What an exporter reports back to the SDK: 0 is success, 1 failure (`ExportResultCode`). */
const SUCCESS = { code: 0 } as const;
const FAILURE = { code: 1 } as const;

const isoOf = (time: HrTime): string => new Date(time[0] * 1000 + Math.floor(time[1] / 1e6)).toISOString();
const millisecondsOf = (time: HrTime): number => Math.round((time[0] * 1e3 + time[1] / 1e6) * 1000) / 1000;

/** One span as one JSON line: what `OTEL_TRACES_EXPORTER=console` writes to stderr. */
/** The longest delay a timer takes: a longer one fires at once, and again every millisecond. */
const LONGEST_TIMER = 2 ** 31 - 1;

/**
 * `OTEL_METRIC_EXPORT_INTERVAL` in milliseconds: a whole number a timer can wait, or the default of
 * 60 s, as OpenTelemetry treats a value it cannot use. `1e99` or `99999999999` would make Node fire
 * the export every millisecond, with a warning on stderr.
 */
export const metricExportInterval = (env: NodeJS.ProcessEnv): number => {
  const text = env['OTEL_METRIC_EXPORT_INTERVAL'];
  const asked = text !== undefined && /^\d{1,10}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  return asked >= 1 && asked <= LONGEST_TIMER ? asked : 60_000;
};

export const spanLine = (span: ReadableSpan): Record<string, unknown> => ({
  name: span.name,
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  ...(span.parentSpanContext === undefined ? {} : { parentSpanId: span.parentSpanContext.spanId }),
  start: isoOf(span.startTime),
  durationMs: millisecondsOf(span.duration),
  attributes: span.attributes,
  status: span.status,
  ...(span.links.length === 0 ? {} : { links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })) }),
});

/**
 * The SDK's own console exporters write to stdout, where `aftersales run` writes its results; these
 * write one JSON line per span, or per metric collection, to the stream given (stderr).
 */
export class JsonLinesSpanExporter implements SpanExporter {
  constructor(private readonly out: Writable) {}
  export(spans: ReadableSpan[], done: (result: typeof SUCCESS | typeof FAILURE) => void): void {
    let text = '';
    for (const span of spans) text += `${JSON.stringify({ span: spanLine(span) })}\n`;
    this.out.write(text, (error) => done(error ? FAILURE : SUCCESS));
  }
  async shutdown(): Promise<void> {}
}

export class JsonLinesMetricExporter implements PushMetricExporter {
  constructor(private readonly out: Writable) {}
  export(collected: ResourceMetrics, done: (result: typeof SUCCESS | typeof FAILURE) => void): void {
    let text = '';
    for (const scope of collected.scopeMetrics) {
      for (const metric of scope.metrics) {
        text += `${JSON.stringify({ metric: { name: metric.descriptor.name, unit: metric.descriptor.unit, dataPoints: metric.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value })) } })}\n`;
      }
    }
    this.out.write(text, (error) => done(error ? FAILURE : SUCCESS));
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

/** Registers the SDK with the exporters named (at least one not `none`); see `startTelemetry`. */
export const registerSdk = (traces: ExporterName, metricsExporter: ExporterName, env: NodeJS.ProcessEnv, stream: Writable, serviceName: string): Telemetry => {
  const resource = resourceFromAttributes({ 'service.name': serviceName });
  const stops: Array<() => Promise<void>> = [];
  if (traces !== 'none') {
    const processor: SpanProcessor =
      traces === 'console' ? new SimpleSpanProcessor(new JsonLinesSpanExporter(stream)) : new BatchSpanProcessor(new OTLPTraceExporter());
    const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
    provider.register();
    stops.push(async () => {
      await provider.shutdown();
      trace.disable();
    });
  }
  if (metricsExporter !== 'none') {
    const interval = metricExportInterval(env);
    const reader = new PeriodicExportingMetricReader({
      exporter: metricsExporter === 'console' ? new JsonLinesMetricExporter(stream) : new OTLPMetricExporter(),
      exportIntervalMillis: interval,
      exportTimeoutMillis: Math.min(30_000, interval),
    });
    const provider = new MeterProvider({ resource, readers: [reader] });
    metrics.setGlobalMeterProvider(provider);
    stops.push(async () => {
      await provider.shutdown();
      metrics.disable();
    });
  }
  return {
    enabled: true,
    shutdown: async () => {
      for (const stop of stops) await stop();
    },
  };
};
