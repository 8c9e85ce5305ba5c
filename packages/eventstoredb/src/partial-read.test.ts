import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemoteTestServer } from './test-server/remote.js';
import { startTestServerHost } from './test-server/remote.js';
import { EventStoreDBEventStore } from './event-store.js';

// The server in another process, as a real one is: the call's data then arrives while the reader runs.
const host = startTestServerHost();
afterAll(() => host.close());

const openStore = (server: RemoteTestServer): EventStoreDBEventStore => {
  const opened = EventStoreDBEventStore.fromConnectionString(server.connectionString.replace(/^kurrentdb:/, 'esdb:'));
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

/**
 * A reader that stops part way: the server has usually sent the whole (short) answer already, so the
 * call is complete on the wire but its data is not all read. The store must still close, and go on
 * serving until then.
 */
describe('a read left part way', () => {
  let server: RemoteTestServer;
  const stream = `Order-${randomUUID()}`;
  beforeEach(async () => {
    server = await host.start();
    const writer = openStore(server);
    await writer.appendToStream(stream, [testEvent(), testEvent(), testEvent()], { expectedRevision: 'noStream' });
    await writer.close();
  });
  afterEach(async () => {
    await server.close();
  });

  const stopAfterOne = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent | undefined> => {
    for await (const event of events) return event;
    return undefined;
  };

  const readers: ReadonlyArray<readonly [string, (store: EventStoreDBEventStore) => Promise<RecordedEvent | undefined>]> = [
    ['a stream read', (store) => stopAfterOne(store.readStream(stream))],
    ['a read of $all with maxCount', (store) => stopAfterOne(store.readAll({ maxCount: 1 }))],
    [
      'a read of $all left by a throw',
      async (store) => {
        try {
          for await (const event of store.readAll()) throw event;
        } catch (thrown) {
          return thrown as RecordedEvent;
        }
        return undefined;
      },
    ],
    ['a filtered read of $all', (store) => stopAfterOne(store.readAll({ filter: { streamPrefixes: ['Order-'] } }))],
  ];

  // Whether the call is complete when the reader stops depends on timing: each case is tried on many stores.
  it.each(readers)('%s: the store closes, every time', { timeout: 60_000 }, async (_name, readPart) => {
    for (let attempt = 0; attempt < 25; attempt += 1) {
      const store = openStore(server);
      expect((await readPart(store))?.streamId).toBe(stream);
      await store.close();
    }
    const next = openStore(server);
    const appended = await next.appendToStream(stream, [testEvent()], { expectedRevision: 2 });
    expect(E.isRight(appended)).toBe(true);
    await next.close();
  });
});
