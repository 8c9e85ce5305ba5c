import { context, metrics, trace } from '@opentelemetry/api';
import type { DataPoint, MetricData } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import * as E from 'fp-ts/lib/Either.js';
import type { Projection } from '@aftersales/core';
import { expect } from 'vitest';

/**
 * The SDK with in-memory exporters, as the telemetry tests register it: every finished span, and
 * the metrics recorded since the last collection (deltas).
 */
export const inMemoryTelemetry = () => {
  const spans = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.DELTA);
  const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000, exportTimeoutMillis: 1000 });
  const tracerProvider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const meterProvider = new MeterProvider({ readers: [reader] });

  const named = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((span) => span.name === name);
  const collectedMetrics = async (): Promise<MetricData[]> => {
    await reader.forceFlush();
    return metricExporter.getMetrics().at(-1)?.scopeMetrics.flatMap((scope) => scope.metrics) ?? [];
  };
  return {
    spans,
    register: () => {
      tracerProvider.register();
      metrics.setGlobalMeterProvider(meterProvider);
    },
    unregister: () => {
      trace.disable();
      metrics.disable();
      context.disable();
    },
    /** Forgets what was emitted, so that each test sees only its own. */
    reset: async () => {
      await reader.forceFlush();
      spans.reset();
      metricExporter.reset();
    },
    named,
    one: (name: string): ReadableSpan => {
      const found = named(name);
      expect(found, `spans named ${name}`).toHaveLength(1);
      return found[0]!;
    },
    collectedMetrics,
    /** What was recorded since the last collection, without the collection times. */
    metricValues: async () => (await collectedMetrics()).map((metric) => [metric.descriptor.name, metric.dataPoints.map((point) => [point.attributes, point.value])]),
  };
};

export const pointsOf = (all: readonly MetricData[], name: string): DataPoint<unknown>[] =>
  (all.find((metric) => metric.descriptor.name === name)?.dataPoints ?? []) as DataPoint<unknown>[];

const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
const manager = { id: 'DM-01', role: 'DepartmentManager' };
/** A `ReceiveRepairOrder` command, with whatever `metadata` adds (a `traceparent`). */
export const receive = (orderId: string, metadata: Record<string, unknown> = {}) => ({
  type: 'ReceiveRepairOrder',
  data: { orderId, endpointId: 'EP-01', customer: { name: 'Wang Fang', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  metadata: { commandId: `${orderId}/receive`, actor: endpoint, at: '2026-03-02T09:00:00+08:00', ...metadata },
});
export const confirm = (orderId: string) => ({ type: 'ConfirmReceipt', data: { orderId }, metadata: { commandId: `${orderId}/confirm`, actor: manager, at: '2026-03-02T10:00:00+08:00' } });

/** A projection for the generic runner: how many repair orders were received. */
export const ordersReceived: Projection<number> = {
  name: 'orders-received',
  initialState: 0,
  evolve: (count, event) => (event.type === 'RepairOrderReceived' ? count + 1 : count),
  serialize: (count) => count,
  deserialize: (stored) => (typeof stored === 'number' ? E.right(stored) : E.left('not a number')),
};
