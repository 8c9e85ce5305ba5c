import type { EventStore } from '@aftersales/core';
import { collect, createCommandHandler, verifyLog } from '@aftersales/core';
import { counterCommand, snapshottedCounter } from '@aftersales/core/testing';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { closedAfterEachTest } from './production.fixture.js';
import { EventStoreDBTestServer } from './test-server/index.js';

const counter = snapshottedCounter();
const STREAM = 'Counter-C1';
const increment = (commandId: string) => counterCommand('Increment', { counterId: 'C1', by: 1 }, commandId);
const snapshotEvery = 5;

const commandIdsOf = async (store: EventStore): Promise<string[]> => {
  const read = await collect(store.readStream(STREAM));
  return E.isRight(read) ? read.right.map((event) => event.metadata.commandId) : [];
};

/**
 * EventStoreDB stores an event whose library id it already holds before the expected revision: the
 * server's id is made of the event's hash, which a resend sealed at another revision does not share.
 * So the store does not refuse a command stored before a snapshot and sent again: the handler must
 * know it from the snapshot.
 */
describe('a command stored before a snapshot and sent again, on EventStoreDB', () => {
  const { closeLater, openStore } = closedAfterEachTest();

  /** Twelve increments, each through a handler of its own, so that every one loads the stream and snapshots are taken. */
  const storeWithSnapshots = async () => {
    const server = await EventStoreDBTestServer.start();
    closeLater(() => server.close());
    const store = openStore(server.connectionString);
    const first = await createCommandHandler({ store, snapshotEvery, telemetry: false }).handle(counter, increment('cmd-1'));
    for (let index = 2; index <= 12; index += 1) {
      expect(E.isRight(await createCommandHandler({ store, snapshotEvery, telemetry: false }).handle(counter, increment(`cmd-${index}`)))).toBe(true);
    }
    const snapshots = await collect(store.readStream(`Snapshots-${STREAM}`));
    expect(E.isRight(snapshots) && snapshots.right.length).toBeGreaterThan(0);
    return { store, first };
  };

  it('is answered as a duplicate with the events stored, by a handler that loads the stream from the snapshot', async () => {
    const { store, first } = await storeWithSnapshots();
    const again = await createCommandHandler({ store, snapshotEvery, telemetry: false }).handle(counter, increment('cmd-1'));
    expect(again).toEqual(E.right(expect.objectContaining({ duplicate: true, events: E.isRight(first) ? first.right.events : [] })));
    expect(await commandIdsOf(store)).toEqual(Array.from({ length: 12 }, (_, index) => `cmd-${index + 1}`));
    expect(await verifyLog(store)).toEqual(E.right(expect.objectContaining({ intact: true })));
  });

  it('is answered as a duplicate by a handler that remembers a head folded from the snapshot', async () => {
    const { store, first } = await storeWithSnapshots();
    const handler = createCommandHandler({ store, snapshotEvery, telemetry: false });
    expect(E.isRight(await handler.handle(counter, increment('cmd-13')))).toBe(true);
    const again = await handler.handle(counter, increment('cmd-1'));
    expect(again).toEqual(E.right(expect.objectContaining({ duplicate: true, events: E.isRight(first) ? first.right.events : [] })));
    expect(E.isRight(await handler.handle(counter, increment('cmd-14')))).toBe(true);
    expect(await commandIdsOf(store)).toEqual(Array.from({ length: 14 }, (_, index) => `cmd-${index + 1}`));
  });
});
