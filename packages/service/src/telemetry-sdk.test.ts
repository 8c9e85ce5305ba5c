import { describe, expect, it } from 'vitest';
import { metricExportInterval } from './telemetry-sdk.js';

describe('OTEL_METRIC_EXPORT_INTERVAL', () => {
  it('is a whole number of milliseconds a timer can wait, or the default of 60 s', () => {
    expect(metricExportInterval({})).toBe(60_000);
    expect(metricExportInterval({ OTEL_METRIC_EXPORT_INTERVAL: '5000' })).toBe(5000);
    expect(metricExportInterval({ OTEL_METRIC_EXPORT_INTERVAL: ' 250 ' })).toBe(250);
    for (const text of ['99999999999', '2147483648', '1e99', '0', '0.5', '-1', '', 'soon', 'Infinity']) expect(metricExportInterval({ OTEL_METRIC_EXPORT_INTERVAL: text }), text).toBe(60_000);
  });
});
