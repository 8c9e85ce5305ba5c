/** The OpenTelemetry set-up the command runs with, kept here for programs that imported it from the CLI; it lives in `@aftersales/service/telemetry`. */
export { startTelemetry, UnknownExporter } from '@aftersales/service/telemetry';
export type { ExporterName, Telemetry } from '@aftersales/service/telemetry';
