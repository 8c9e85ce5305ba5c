import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { AggregateDefinition } from '../aggregate.js';
import type { EventStore } from '../event-store.js';
import { collect } from '../event-store.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import type { CounterCommand, CounterEvent, CounterState } from '../testing/counter.js';
import { counter, counterCommand, snapshottedCounter as snapshotted } from '../testing/counter.js';
import { CommandIdFilterData, withCommandIds } from './command-id-filter.js';
import { createCommandHandler } from './handler.js';
import { SNAPSHOT_SHAPE, snapshotStreamOf } from './snapshot.js';

const increment = (commandId: string) => counterCommand('Increment', { counterId: 'c1', by: 1 }, commandId);

const eventsOf = async (store: EventStore, streamId: string) => {
  const read = await collect(store.readStream(streamId));
  return E.isRight(read) ? read.right : [];
};

/** Handles each command with a handler of its own, so that every command loads its stream from the store. */
const handleEachFresh = async (store: EventStore, definition: AggregateDefinition<CounterCommand, CounterEvent, CounterState>, commandIds: string[]) => {
  const results = [];
  for (const commandId of commandIds) results.push(await createCommandHandler({ store, snapshotEvery: 5 }).handle(definition, increment(commandId)));
  return results;
};

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `cmd-${from + index}`);

/**
 * The in-memory store, watched for appends that carry an event id their stream already holds (the
 * in-memory store refuses them, but EventStoreDB stores them: a handler must never send one), and
 * for the streams read.
 */
const watchedForStoredIds = (store: InMemoryEventStore) => {
  const resent: string[] = [];
  const reads: string[] = [];
  const watched = new Proxy(store, {
    get: (target, key) => {
      if (key === 'readStream') {
        return (...[streamId, options]: Parameters<EventStore['readStream']>) => {
          reads.push(streamId);
          return target.readStream(streamId, options);
        };
      }
      if (key === 'appendToStream') {
        return async (...[streamId, events, options]: Parameters<EventStore['appendToStream']>) => {
          const held = new Set((await eventsOf(target, streamId)).map((event) => event.eventId));
          resent.push(...events.filter((event) => held.has(event.eventId)).map((event) => event.eventId));
          return target.appendToStream(streamId, events, options);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: watched, resent, reads };
};

/** The newest snapshot's data, as stored. */
const newestSnapshot = async (store: EventStore) => (await eventsOf(store, snapshotStreamOf('Counter-c1'))).at(-1)!.data as Record<string, unknown>;

describe('snapshots beside a stream', () => {
  it('decides on the snapshot and the events after it, with the same outcome as on the whole stream', async () => {
    const store = new InMemoryEventStore();
    await handleEachFresh(store, snapshotted(1), ids(1, 12));
    const snapshots = await eventsOf(store, snapshotStreamOf('Counter-c1'));
    expect(snapshots.length).toBeGreaterThan(0);
    expect(snapshots.at(-1)!.data).toMatchObject({ version: 1, state: { status: 'Open' } });
    const loaded = await createCommandHandler({ store }).load<CounterState>(counter, 'Counter-c1');
    expect(E.isRight(loaded) && loaded.right.state).toEqual({ status: 'Open', value: 12 });
    const [stream] = await Promise.all([eventsOf(store, 'Counter-c1')]);
    expect(stream.map((event) => event.revision)).toEqual([...Array(12).keys()]);
  });

  it('answers a command stored before the snapshot as the duplicate it is, without sending its events again', async () => {
    const { store, resent } = watchedForStoredIds(new InMemoryEventStore());
    const [first] = await handleEachFresh(store, snapshotted(1), ids(1, 12));
    const [again] = await handleEachFresh(store, snapshotted(1), ['cmd-1']);
    expect(again).toEqual(E.right(expect.objectContaining({ duplicate: true, events: E.isRight(first!) ? first.right.events : [] })));
    expect(resent).toEqual([]);
    expect(await eventsOf(store, 'Counter-c1')).toHaveLength(12);
  });

  it('answers it as a duplicate from a remembered head folded from the snapshot, and decides new commands on that head', async () => {
    const { store, resent, reads } = watchedForStoredIds(new InMemoryEventStore());
    await handleEachFresh(store, snapshotted(1), ids(1, 12));
    const handler = createCommandHandler({ store, snapshotEvery: 5 });
    expect(E.isRight(await handler.handle(snapshotted(1), increment('cmd-13')))).toBe(true);
    reads.length = 0;
    expect(E.isRight(await handler.handle(snapshotted(1), increment('cmd-14')))).toBe(true);
    expect(reads).toEqual([]);
    expect(await handler.handle(snapshotted(1), increment('cmd-2'))).toEqual(E.right(expect.objectContaining({ duplicate: true })));
    expect(E.isRight(await handler.handle(snapshotted(1), increment('cmd-15')))).toBe(true);
    expect(resent).toEqual([]);
    expect((await eventsOf(store, 'Counter-c1')).map((event) => event.metadata.commandId)).toEqual(ids(1, 15));
  });

  it('passes over a snapshot of the earlier shape, without command ids, and takes one of the current shape', async () => {
    const { store, resent } = watchedForStoredIds(new InMemoryEventStore());
    await handleEachFresh(store, counter, ids(1, 12));
    const stream = await eventsOf(store, 'Counter-c1');
    const earlierShape = { version: 1, revision: 11, hash: stream[11]!.metadata.hash, lastAt: stream[11]!.metadata.occurredAt, state: { status: 'Open', value: 12 } };
    const metadata = { commandId: 'snapshot', correlationId: 'snapshot', causationId: 'snapshot', actor: { id: 'command-handling', role: 'System' }, occurredAt: earlierShape.lastAt, schemaVersion: 1 };
    await store.appendToStream(snapshotStreamOf('Counter-c1'), [{ eventId: '5a0c3f1e-2b4d-4e6f-8a9b-1c2d3e4f5a6b', type: 'SnapshotTaken', data: earlierShape, metadata }], { expectedRevision: 'noStream' });
    const [again] = await handleEachFresh(store, snapshotted(1), ['cmd-3']);
    expect(again).toEqual(E.right(expect.objectContaining({ duplicate: true })));
    expect(resent).toEqual([]);
    const taken = await newestSnapshot(store);
    expect(taken).toMatchObject({ shape: SNAPSHOT_SHAPE, revision: 11, state: { value: 12 } });
    const commandIds = CommandIdFilterData.parse(taken.commandIds);
    expect(commandIds.count).toBe(12);
  });

  it('reads the whole stream for a larger filter once the snapshot\'s is outgrown', async () => {
    const store = new InMemoryEventStore();
    await handleEachFresh(store, counter, ids(1, 12));
    const stream = await eventsOf(store, 'Counter-c1');
    const small = withCommandIds({ bits: 'A'.repeat(12), hashes: 3, capacity: 12, count: 0 }, ids(1, 12))!;
    const data = { shape: SNAPSHOT_SHAPE, version: 1, revision: 11, hash: stream[11]!.metadata.hash, lastAt: stream[11]!.metadata.occurredAt, commandIds: small, state: { status: 'Open', value: 12 } };
    const metadata = { commandId: 'snapshot', correlationId: 'snapshot', causationId: 'snapshot', actor: { id: 'command-handling', role: 'System' }, occurredAt: data.lastAt, schemaVersion: 1 };
    await store.appendToStream(snapshotStreamOf('Counter-c1'), [{ eventId: '6b1d4a2f-3c5e-4f70-9bac-2d3e4f5a6b7c', type: 'SnapshotTaken', data, metadata }], { expectedRevision: 'noStream' });
    await handleEachFresh(store, snapshotted(1), ids(13, 18));
    const taken = await newestSnapshot(store);
    expect(taken).toMatchObject({ revision: 16, commandIds: { capacity: 1024, count: 17 } });
  });

  // A load takes its snapshot of the stream as read, before the command's own events.
  it('passes over a snapshot of another version and takes one of the current version', async () => {
    const store = new InMemoryEventStore();
    await handleEachFresh(store, snapshotted(1), ids(1, 12));
    await handleEachFresh(store, snapshotted(2), ids(13, 13));
    const snapshots = await eventsOf(store, snapshotStreamOf('Counter-c1'));
    expect(snapshots.at(-1)!.data).toMatchObject({ version: 2, revision: 11, state: { value: 12 } });
  });

  it('passes over a snapshot that does not sit on the stream\'s hash chain', async () => {
    const store = new InMemoryEventStore();
    await handleEachFresh(store, snapshotted(1), ids(1, 12));
    const [latest] = (await eventsOf(store, snapshotStreamOf('Counter-c1'))).slice(-1);
    const forged = { ...(latest!.data as object), state: { status: 'Open', value: 99 }, hash: 'f'.repeat(64) };
    const { recordedAt: _recordedAt, prevHash: _prevHash, hash: _hash, ...metadata } = latest!.metadata;
    await store.appendToStream(snapshotStreamOf('Counter-c1'), [{ eventId: '3f0b7a8e-5c4d-4e2f-9a1b-0c2d3e4f5a6b', type: latest!.type, data: forged, metadata }], { expectedRevision: 'any' });
    const [next] = await handleEachFresh(store, snapshotted(1), ids(13, 13));
    expect(E.isRight(next!)).toBe(true);
    const loaded = await createCommandHandler({ store }).load<CounterState>(counter, 'Counter-c1');
    expect(E.isRight(loaded) && loaded.right.state).toEqual({ status: 'Open', value: 13 });
    expect((await eventsOf(store, snapshotStreamOf('Counter-c1'))).at(-1)!.data).toMatchObject({ revision: 11, state: { value: 12 } });
  });
});
