import type { Writable } from 'node:stream';
import type { ExporterName, Telemetry } from './telemetry-sdk.js';

export type { ExporterName, Telemetry };

/** An exporter named in `OTEL_TRACES_EXPORTER` or `OTEL_METRICS_EXPORTER` that this program does not know. */
export class UnknownExporter extends Error {}

const exporterNamed = (env: NodeJS.ProcessEnv, variable: 'OTEL_TRACES_EXPORTER' | 'OTEL_METRICS_EXPORTER'): ExporterName => {
  const value = (env[variable] ?? '').trim().toLowerCase();
  if (value === '' || value === 'none') return 'none';
  if (value === 'console' || value === 'otlp') return value;
  throw new UnknownExporter(`${variable}=${env[variable]} is not one of console, otlp, none`);
};

/**
 * Registers the OpenTelemetry SDK as the standard environment variables ask: `OTEL_TRACES_EXPORTER`
 * and `OTEL_METRICS_EXPORTER` (`console`, `otlp` or `none`), `OTEL_SERVICE_NAME`, and for `otlp` the
 * `OTEL_EXPORTER_OTLP_*` variables the exporters read themselves. Unlike the specification's default
 * (`otlp`), an unset exporter is `none`, so that a command-line run sends nothing anywhere unless
 * asked. Console telemetry goes to `stream` (stderr), never to stdout. The SDK is only loaded when
 * an exporter is asked for, so that a run without telemetry starts as fast as before.
 */
export const startTelemetry = async (env: NodeJS.ProcessEnv, stream: Writable, defaultServiceName = 'aftersales'): Promise<Telemetry> => {
  const disabled = (env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase() === 'true';
  const traces = disabled ? 'none' : exporterNamed(env, 'OTEL_TRACES_EXPORTER');
  const metricsExporter = disabled ? 'none' : exporterNamed(env, 'OTEL_METRICS_EXPORTER');
  if (traces === 'none' && metricsExporter === 'none') return { enabled: false, shutdown: async () => {} };
  const { registerSdk } = await import('./telemetry-sdk.js');
  return registerSdk(traces, metricsExporter, env, stream, env['OTEL_SERVICE_NAME']?.trim() || defaultServiceName);
};
