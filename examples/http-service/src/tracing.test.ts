import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemoryEventStore } from '@aftersales/core';
import { openDepartment } from '@aftersales/service';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys } from './api-keys.js';
import { createApp } from './app.js';

const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' } as const;
const key = 'key-of-EP-01'.padEnd(32, '0');
const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });

beforeAll(() => provider.register());
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('the HTTP service with tracing', () => {
  it('handles a command in a server span that joins the caller’s trace', async () => {
    const opened = await openDepartment({ store: new InMemoryEventStore() });
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    const app = createApp({ department: opened.right.department, readModels: opened.right.readModels.models, apiKeys: apiKeys({ [key]: endpoint }) });
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const callerSpan = 'b7ad6b7169203331';
    const response = await app.request('/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, traceparent: `00-${callerTrace}-${callerSpan}-01` },
      body: JSON.stringify({
        type: 'ReceiveRepairOrder',
        data: { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: 'Wang Fang', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
        metadata: { commandId: 'receive-RO-1', at: '2026-03-02T09:00:00+08:00' },
      }),
    });
    expect(response.status).toBe(201);
    const finished = spans.getFinishedSpans();
    const server = finished.find((span) => span.name === 'POST /commands');
    const handled = finished.find((span) => span.name === 'handle ReceiveRepairOrder');
    expect(server?.spanContext().traceId).toBe(callerTrace);
    expect(server?.parentSpanContext?.spanId).toBe(callerSpan);
    expect(server?.attributes['http.response.status_code']).toBe(201);
    expect(handled?.spanContext().traceId).toBe(callerTrace);
    expect(handled?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
  });
});
