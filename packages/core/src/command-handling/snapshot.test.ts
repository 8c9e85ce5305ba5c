import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AggregateDefinition } from '../aggregate.js';
import { collect } from '../event-store.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import type { CounterCommand, CounterEvent, CounterState } from '../testing/counter.js';
import { counter, counterCommand } from '../testing/counter.js';
import { createCommandHandler } from './handler.js';
import { snapshotStreamOf } from './snapshot.js';

const CounterStateSchema = z.object({ status: z.enum(['Open', 'Closed']), value: z.number() });
const snapshotted = (version: number): AggregateDefinition<CounterCommand, CounterEvent, CounterState> => ({
  ...counter,
  snapshot: { version, schema: CounterStateSchema },
});
const increment = (commandId: string) => counterCommand('Increment', { counterId: 'c1', by: 1 }, commandId);

const eventsOf = async (store: InMemoryEventStore, streamId: string) => {
  const read = await collect(store.readStream(streamId));
  return E.isRight(read) ? read.right : [];
};

/** Handles each command with a handler of its own, so that every command loads its stream from the store. */
const handleEachFresh = async (store: InMemoryEventStore, definition: AggregateDefinition<CounterCommand, CounterEvent, CounterState>, commandIds: string[]) => {
  const results = [];
  for (const commandId of commandIds) results.push(await createCommandHandler({ store, snapshotEvery: 5 }).handle(definition, increment(commandId)));
  return results;
};

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => `cmd-${from + index}`);

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

  it('answers a command stored before the snapshot as the duplicate it is, storing nothing twice', async () => {
    const store = new InMemoryEventStore();
    const [first] = await handleEachFresh(store, snapshotted(1), ids(1, 12));
    const [again] = await handleEachFresh(store, snapshotted(1), ['cmd-1']);
    expect(E.isRight(again!) && again.right).toMatchObject({ duplicate: true });
    expect(E.isRight(again!) && E.isRight(first!) && again.right.events.map((event) => event.eventId)).toEqual(E.isRight(first!) && first.right.events.map((event) => event.eventId));
    expect(await eventsOf(store, 'Counter-c1')).toHaveLength(12);
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
