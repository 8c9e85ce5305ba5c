import { randomUUID } from 'node:crypto';
import { collect } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import type { ResolvedEvent } from '@eventstore/db-client';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';
import { fromGlobalPosition } from './position.js';

const readRaw = async (client: EventStoreDBClient, stream: string): Promise<ResolvedEvent[]> => {
  const events: ResolvedEvent[] = [];
  for await (const resolved of client.readStream(stream)) events.push(resolved);
  return events;
};

describe('EventStoreDBEventStore', () => {
  let server: EventStoreDBTestServer;
  let client: EventStoreDBClient;
  let store: EventStoreDBEventStore;
  beforeEach(async () => {
    server = await EventStoreDBTestServer.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
    store = new EventStoreDBEventStore(EventStoreDBClient.connectionString(server.connectionString));
  });
  afterEach(async () => {
    await store.close();
    await client.dispose();
    await server.close();
  });

  it('writes JSON metadata that EventStoreDB tools read: $correlationId and $causationId beside the library fields', async () => {
    const stream = `Order-${randomUUID()}`;
    const event = testEvent('OrderReceived');
    await store.appendToStream(stream, [event], { expectedRevision: 'noStream' });
    const [raw] = await readRaw(client, stream);
    expect(raw?.event?.isJson).toBe(true);
    expect(raw?.event?.metadata).toMatchObject({
      $correlationId: event.metadata.correlationId,
      $causationId: event.metadata.causationId,
      commandId: event.metadata.commandId,
      actor: event.metadata.actor,
      prevHash: expect.any(String),
      hash: expect.any(String),
    });
  });

  it("keeps EventStoreDB's commit and prepare positions inside the global position", async () => {
    const stream = `Order-${randomUUID()}`;
    const appended = await store.appendToStream(stream, [testEvent(), testEvent()], { expectedRevision: 'noStream' });
    const raw = await readRaw(client, stream);
    expect(E.isRight(appended) && appended.right.events.map((event) => fromGlobalPosition(event.globalPosition))).toEqual(
      raw.map((resolved) => resolved.event?.position),
    );
  });

  it('reports an event whose metadata does not decode as CorruptedEvent', async () => {
    const stream = `Order-${randomUUID()}`;
    await client.appendToStream(stream, jsonEvent({ type: 'Foreign', data: {}, metadata: { written: 'by another tool' } }));
    expect(await collect(store.readStream(stream))).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: stream, revision: 0 })));
    expect(await store.appendToStream(stream, [testEvent()], { expectedRevision: 'any' })).toEqual(
      E.left(expect.objectContaining({ code: 'CorruptedEvent' })),
    );
  });

  it('leaves system events out of readAll and subscriptions', async () => {
    const stream = `Order-${randomUUID()}`;
    await store.appendToStream(stream, [testEvent()], { expectedRevision: 'noStream' });
    await client.appendToStream('$system-stream', jsonEvent({ type: 'Anything', data: {} }));
    await client.setStreamMetadata(stream, { maxAge: 3600 });
    await store.appendToStream(stream, [testEvent()], { expectedRevision: 0 });
    const all = await collect(store.readAll());
    expect(E.isRight(all) && all.right.map((event) => [event.streamId, event.revision])).toEqual([
      [stream, 0],
      [stream, 1],
    ]);
    const subscription = store.subscribeToAll();
    const received: string[] = [];
    const consuming = (async () => {
      for await (const event of subscription) received.push(`${event.streamId}@${event.revision}`);
    })();
    await subscription.caughtUp;
    await subscription.close();
    await consuming;
    expect(received).toEqual([`${stream}@0`, `${stream}@1`]);
  });

  it('reads a tombstoned stream as not found and refuses to append to it', async () => {
    const stream = `Order-${randomUUID()}`;
    await store.appendToStream(stream, [testEvent()], { expectedRevision: 'noStream' });
    await client.tombstoneStream(stream);
    expect(await collect(store.readStream(stream))).toEqual(E.left(expect.objectContaining({ code: 'StreamNotFound', streamId: stream })));
    expect(await store.appendToStream(stream, [testEvent()], { expectedRevision: 'any' })).toEqual(
      E.left(expect.objectContaining({ code: 'InvalidAppend' })),
    );
  });

  it('is configured from EVENTSTORE_CONNECTION_STRING', async () => {
    expect(EventStoreDBEventStore.fromEnv({})).toEqual(E.left(expect.objectContaining({ code: 'InvalidConfiguration' })));
    expect(EventStoreDBEventStore.fromEnv({ EVENTSTORE_CONNECTION_STRING: 'not a connection string' })).toEqual(
      E.left(expect.objectContaining({ code: 'InvalidConfiguration' })),
    );
    const configured = EventStoreDBEventStore.fromEnv({ EVENTSTORE_CONNECTION_STRING: server.connectionString });
    expect(E.isRight(configured)).toBe(true);
    if (E.isRight(configured)) await configured.right.close();
  });
});
