import { randomUUID } from 'node:crypto';
import type { Projection, RecordedEvent } from '@aftersales/core';
import { createProjectionRunner } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { EventStoreDBClient } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';

const category = 'Reconnected-';

const Tally = z.object({ count: z.number(), eventIds: z.array(z.string()), lastRevisions: z.record(z.string(), z.number()) });
type Tally = z.infer<typeof Tally>;

/** A read model that notices any duplicate, gap or reordering in what it is fed. */
const tally: Projection<Tally> = {
  name: 'Tally',
  initialState: { count: 0, eventIds: [], lastRevisions: {} },
  filter: { streamPrefixes: [category] },
  evolve: (state, event) => ({
    count: state.count + 1,
    eventIds: [...state.eventIds, event.eventId],
    lastRevisions: { ...state.lastRevisions, [event.streamId]: event.revision },
  }),
  serialize: (state) => state,
  deserialize: (stored) => {
    const decoded = Tally.safeParse(stored);
    return decoded.success ? E.right(decoded.data) : E.left(decoded.error.message);
  },
};

const append = async (store: EventStoreDBEventStore, stream: string, count: number) => {
  const result = await store.appendToStream(stream, Array.from({ length: count }, () => testEvent()), { expectedRevision: 'any' });
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe('EventStoreDBEventStore when the server goes away', () => {
  let server: EventStoreDBTestServer;
  let store: EventStoreDBEventStore;
  let drops: unknown[];
  beforeEach(async () => {
    drops = [];
    server = await EventStoreDBTestServer.start();
    store = new EventStoreDBEventStore(EventStoreDBClient.connectionString(server.connectionString), {
      appendDeadlineMs: 1_000,
      resubscribe: { initialDelayMs: 20, maxDelayMs: 200, onDrop: (error) => drops.push(error) },
    });
  });
  afterEach(async () => {
    await store.close();
    await server.close();
  });

  it('resubscribes after a restart without gap or duplicate, and the projection it feeds equals a rebuild', async () => {
    const streams = [`${category}${randomUUID()}`, `${category}${randomUUID()}`];
    await append(store, streams[0]!, 5);
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [category] } });
    const consuming = (async () => {
      for await (const event of subscription) received.push(event);
    })();
    const runner = createProjectionRunner({ store, projection: tally, flushAfterMs: 10 });
    const running = runner.run();
    await subscription.caughtUp;
    await append(store, streams[1]!, 3);
    await vi.waitFor(() => expect(received).toHaveLength(8));

    await server.stop();
    await server.start();
    await append(store, streams[0]!, 2);
    await server.stop();
    await server.start();
    await append(store, streams[1]!, 4);
    await vi.waitFor(() => expect(received).toHaveLength(14), { timeout: 10_000 });
    await vi.waitFor(() => expect(runner.state().count).toBe(14), { timeout: 10_000 });

    await subscription.close();
    await consuming;
    await runner.stop();
    expect(E.isRight(await running)).toBe(true);
    // Two restarts, each seen by the test's subscription and by the runner's.
    expect(drops.length).toBeGreaterThanOrEqual(4);
    expect(new Set(received.map((event) => event.eventId)).size).toBe(14);
    for (let index = 1; index < received.length; index += 1) {
      expect(received[index]!.globalPosition > received[index - 1]!.globalPosition).toBe(true);
    }
    const rebuilt = await createProjectionRunner({ store, projection: tally }).catchUp();
    expect(rebuilt).toEqual(E.right(runner.state()));
    expect(runner.state().lastRevisions).toEqual({ [streams[0]!]: 6, [streams[1]!]: 6 });
  });

  it('closes a subscription that is waiting to reconnect', async () => {
    const subscription = store.subscribeToAll({ filter: { streamPrefixes: [category] } });
    const consuming = (async () => {
      for await (const _event of subscription) continue;
    })();
    await subscription.caughtUp;
    await server.stop();
    await vi.waitFor(() => expect(drops.length).toBeGreaterThan(0));
    await subscription.close();
    await consuming;
    await server.start();
  });

  it('answers an append while the server is down with StoreUnavailable', async () => {
    const stream = `${category}${randomUUID()}`;
    await append(store, stream, 1);
    await server.stop();
    const result = await store.appendToStream(stream, [testEvent()], { expectedRevision: 0 });
    expect(result).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', retryable: true })));
    await server.start();
    expect(E.isRight(await store.appendToStream(stream, [testEvent()], { expectedRevision: 0 }))).toBe(true);
  });

  it('gives up on a server that accepts an append but never answers, and the retry stores it once', async () => {
    const stream = `${category}${randomUUID()}`;
    const batch = [testEvent(), testEvent()];
    server.stallAppends(true);
    const stalled = await store.appendToStream(stream, batch, { expectedRevision: 'noStream' });
    expect(stalled).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', retryable: true })));
    server.stallAppends(false);
    expect(E.isRight(await store.appendToStream(stream, batch, { expectedRevision: 'noStream' }))).toBe(true);
    expect(E.isRight(await store.appendToStream(stream, batch, { expectedRevision: 'noStream' }))).toBe(true);
    const read = [];
    for await (const event of store.readStream(stream)) read.push(event.eventId);
    expect(read).toEqual(batch.map((event) => event.eventId));
  });
});
