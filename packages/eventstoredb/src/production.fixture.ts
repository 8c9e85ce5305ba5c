import type { EventStore } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach } from 'vitest';
import type { EventStoreDBEventStoreOptions } from './event-store.js';
import { EventStoreDBEventStore } from './event-store.js';

export const TEST_USERS = { admin: { password: 'changeit', groups: ['$admins'] }, projector: { password: 'secret', groups: [] } };

/**
 * What a test opens, closed after it in reverse order: `closeLater(close)` registers, `openStore`
 * opens a store (with a short append deadline, so a failure shows quickly) and registers it.
 */
export const closedAfterEachTest = () => {
  const toClose: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of toClose.reverse()) await close();
    toClose.length = 0;
  });
  const closeLater = (close: () => Promise<void>): void => {
    toClose.push(close);
  };
  const openStore = (connectionString: string, options: EventStoreDBEventStoreOptions = {}): EventStoreDBEventStore => {
    const opened = EventStoreDBEventStore.fromConnectionString(connectionString, { appendDeadlineMs: 2_000, ...options });
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    closeLater(() => opened.right.close());
    return opened.right;
  };
  return { closeLater, openStore };
};

/** Appends one event to a new stream, then reads `$all`: the id appended and the ids `readAll` handed over. */
export const appendOneAndReadAll = async (store: EventStore, streamId: string): Promise<{ readonly appended: string; readonly read: unknown }> => {
  const event = testEvent();
  await store.appendToStream(streamId, [event], { expectedRevision: 'noStream' });
  const all = await collect(store.readAll());
  return { appended: event.eventId, read: E.isRight(all) ? all.right.map((read) => read.eventId) : all.left };
};
