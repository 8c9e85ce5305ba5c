import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { createCommandHandler, createProjectionRunner } from '@aftersales/core';
import type { Projection } from '@aftersales/core';
import { counter, counterCommand } from '@aftersales/core/testing';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';
import { EventStoreDBProjectionStore } from './projection-store.js';

const spans = new InMemorySpanExporter();

const counted: Projection<number> = {
  name: 'counted',
  initialState: 0,
  evolve: (count) => count + 1,
  filter: { streamPrefixes: ['Counter-'] },
  serialize: (count) => count,
  deserialize: (stored) => (typeof stored === 'number' ? E.right(stored) : E.left('not a number')),
};

describe('telemetry over EventStoreDB', () => {
  let server: EventStoreDBTestServer;
  let store: EventStoreDBEventStore;
  beforeAll(async () => {
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
    server = await EventStoreDBTestServer.start();
    const opened = EventStoreDBEventStore.fromConnectionString(server.connectionString);
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    store = opened.right;
  });
  afterAll(async () => {
    await store.close();
    await server.close();
    trace.disable();
    context.disable();
  });

  it('names EventStoreDB as db.system on the load and append spans of a handled command, and on a projection batch it saves there', async () => {
    const handled = await createCommandHandler({ store }).handle(counter, counterCommand('Increment', { counterId: 'c1', by: 2 }, 'cmd-1'));
    expect(E.isRight(handled)).toBe(true);
    const stored = spans.getFinishedSpans().filter((span) => span.name === 'load' || span.name === 'append');
    expect(stored.map((span) => [span.name, span.attributes['db.system']])).toEqual([
      ['load', 'eventstoredb'],
      ['append', 'eventstoredb'],
    ]);

    const runner = createProjectionRunner({ store, projection: counted, projectionStore: new EventStoreDBProjectionStore(store.client) });
    expect(await runner.catchUp()).toEqual(E.right(1));
    const batches = spans.getFinishedSpans().filter((span) => span.name === 'project batch');
    expect(batches.map((span) => [span.attributes['db.system'], span.attributes['aftersales.read_model']])).toEqual([['eventstoredb', 'counted']]);
  });
});
