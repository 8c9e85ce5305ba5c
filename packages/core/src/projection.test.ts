import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { EventStore, ReadAllOptions } from './event-store.js';
import { deterministicEventId } from './event-ids.js';
import { InMemoryEventStore } from './in-memory-store.js';
import type { Projection, ProjectionStore } from './projection.js';
import { InMemoryProjectionStore, createProjectionRunner } from './projection.js';
import { JsonProjectionStore } from './testing/json-projection-store.js';

/** Sums every `Incremented` and remembers the positions it applied, so a double application shows. */
const Totals = z.object({ total: z.number(), applied: z.array(z.string()) });
type Totals = z.infer<typeof Totals>;

const totals = (evolved: { count: number } = { count: 0 }): Projection<Totals> => ({
  name: 'totals',
  initialState: { total: 0, applied: [] },
  evolve: (state, event) => {
    evolved.count += 1;
    const by = z.object({ by: z.number() }).safeParse(event.data);
    return { total: state.total + (by.success ? by.data.by : 0), applied: [...state.applied, event.globalPosition.toString()] };
  },
  filter: { streamPrefixes: ['Counter-'] },
  serialize: (state) => state,
  deserialize: (stored) => {
    const parsed = Totals.safeParse(stored);
    return parsed.success ? E.right(parsed.data) : E.left(parsed.error.message);
  },
});

let commands = 0;
const increment = async (store: EventStore, by: number, counterId = 'a') => {
  commands += 1;
  const streamId = `Counter-${counterId}`;
  const appended = await store.appendToStream(
    streamId,
    [
      {
        eventId: deterministicEventId(streamId, `cmd-${commands}`, 0),
        type: 'Incremented',
        data: { counterId, by },
        metadata: {
          commandId: `cmd-${commands}`,
          correlationId: `cmd-${commands}`,
          causationId: `cmd-${commands}`,
          actor: { id: 'clerk-1', role: 'Clerk' },
          occurredAt: '2026-03-02T09:00:00+08:00',
          schemaVersion: 1,
        },
      },
    ],
    { expectedRevision: 'any' },
  );
  if (E.isLeft(appended)) throw new Error(appended.left.message);
};

const noise = async (store: EventStore) => {
  commands += 1;
  await store.appendToStream(
    'Other-x',
    [
      {
        eventId: deterministicEventId('Other-x', `cmd-${commands}`, 0),
        type: 'Noted',
        data: {},
        metadata: { commandId: `cmd-${commands}`, correlationId: 'c', causationId: 'c', actor: { id: 'x', role: 'Clerk' }, occurredAt: '2026-03-02T09:00:00+08:00', schemaVersion: 1 },
      },
    ],
    { expectedRevision: 'any' },
  );
};

/** Delivers every event of `readAll` twice, and everything from the start again after `after`: a redelivering store. */
const redelivering = (store: InMemoryEventStore): EventStore => ({
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: (...args) => store.readStream(...args),
  subscribeToAll: (options) => store.subscribeToAll(options),
  close: () => store.close(),
  readAll: async function* (options: ReadAllOptions = {}) {
    const { after: _after, ...rest } = options;
    for await (const event of store.readAll(rest)) {
      yield event;
      yield event;
    }
  },
});

/** Waiting on a live runner is not a timing assertion: allow for a loaded machine. */
const patience = { timeout: 10_000 };

const expectRight = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) expect.fail(`expected Right, got ${JSON.stringify(result.left)}`);
  return (result as E.Right<A>).right;
};

describe('projection runner', () => {
  it('catches up from the log, then follows live events', async () => {
    const store = new InMemoryEventStore();
    await increment(store, 1);
    await noise(store);
    await increment(store, 2);
    const runner = createProjectionRunner({ store, projection: totals(), flushAfterMs: 1 });
    let caughtUpTotal: number | undefined;
    const running = runner.run({ onCaughtUp: () => (caughtUpTotal = runner.state().total) });
    await vi.waitFor(() => expect(caughtUpTotal).toBe(3), patience);
    await increment(store, 4);
    await increment(store, 8, 'b');
    await vi.waitFor(() => expect(runner.state().total).toBe(15), patience);
    expect(runner.position()).toBe(5n);
    await runner.stop();
    expectRight(await running);
    expect(runner.state().applied).toEqual(['1', '3', '4', '5']);
  });

  it('resumes from its saved checkpoint after a restart, reading only what came after', async () => {
    const store = new InMemoryEventStore();
    const projectionStore = new JsonProjectionStore();
    for (const by of [1, 2, 3]) await increment(store, by);
    const first = createProjectionRunner({ store, projection: totals(), projectionStore });
    expectRight(await first.catchUp());
    for (const by of [10, 20]) await increment(store, by);

    const evolved = { count: 0 };
    const restarted = createProjectionRunner({ store, projection: totals(evolved), projectionStore });
    const state = expectRight(await restarted.catchUp());
    expect(evolved.count).toBe(2);
    expect(state.total).toBe(36);
    expect(restarted.position()).toBe(5n);
    expect(await projectionStore.load('totals')).toEqual(E.right({ state: { total: 36, applied: ['1', '2', '3', '4', '5'] }, position: 5n }));
  });

  it('resumes a live run from where it stopped', async () => {
    const store = new InMemoryEventStore();
    const projectionStore = new JsonProjectionStore();
    await increment(store, 1);
    const runner = createProjectionRunner({ store, projection: totals(), projectionStore, flushAfterMs: 1 });
    const running = runner.run();
    await increment(store, 2);
    await vi.waitFor(() => expect(runner.state().total).toBe(3), patience);
    await runner.stop();
    expectRight(await running);
    await increment(store, 4);

    const resumed = createProjectionRunner({ store, projection: totals(), projectionStore, flushAfterMs: 1 });
    const runningAgain = resumed.run();
    await increment(store, 8);
    await vi.waitFor(() => expect(resumed.state().total).toBe(15), patience);
    await resumed.stop();
    expectRight(await runningAgain);
    expect(resumed.state().applied).toEqual(['1', '2', '3', '4']);
  });

  it('saves the events applied while a save was under way with the next save', async () => {
    const store = new InMemoryEventStore();
    const saved = new InMemoryProjectionStore();
    let release: (() => void) | undefined;
    // The first save waits until released, as a store far away would.
    const slow: ProjectionStore = {
      load: (name) => saved.load(name),
      reset: (name) => saved.reset(name),
      save: async (name, snapshot, expected) => {
        if (release === undefined) await new Promise<void>((resolve) => (release = resolve));
        return saved.save(name, snapshot, expected);
      },
    };
    const runner = createProjectionRunner({ store, projection: totals(), projectionStore: slow, flushAfterMs: 1 });
    let live = false;
    const running = runner.run({ onCaughtUp: () => (live = true) });
    await vi.waitFor(() => expect(live).toBe(true), patience);
    await increment(store, 1);
    await vi.waitFor(() => expect(release).toBeDefined(), patience);
    await increment(store, 2);
    await vi.waitFor(() => expect(runner.position()).toBe(2n), patience);
    release!();
    await runner.stop();
    expectRight(await running);
    expect(await saved.load('totals')).toEqual(E.right({ state: { total: 3, applied: ['1', '2'] }, position: 2n }));
  });

  it('stops when asked while still catching up, without going live', async () => {
    const store = new InMemoryEventStore();
    for (const by of [1, 2, 3]) await increment(store, by);
    const runner = createProjectionRunner({ store, projection: totals() });
    let wentLive = false;
    const running = runner.run({ onCaughtUp: () => (wentLive = true) });
    await runner.stop();
    expectRight(await running);
    expect(wentLive).toBe(false);
    expect(runner.state().total).toBe(6);
  });

  it('rebuilds from the first event, forgetting the saved state', async () => {
    const store = new InMemoryEventStore();
    const projectionStore = new JsonProjectionStore();
    for (const by of [1, 2, 3]) await increment(store, by);
    const runner = createProjectionRunner({ store, projection: totals(), projectionStore });
    expectRight(await runner.catchUp());
    // A saved state that no longer matches the log (e.g. after fixing evolve) is what a rebuild repairs.
    projectionStore.rows.set('totals', JSON.stringify({ state: { total: 999, applied: [] }, position: '3' }));
    const evolved = { count: 0 };
    const rebuilt = createProjectionRunner({ store, projection: totals(evolved), projectionStore });
    const state = expectRight(await rebuilt.rebuild());
    expect(evolved.count).toBe(3);
    expect(state).toEqual({ total: 6, applied: ['1', '2', '3'] });
    expect(projectionStore.rows.get('totals')).toContain('"total":6');
  });

  it('refuses a saved state that does not decode, and names the projection', async () => {
    const store = new InMemoryEventStore();
    const projectionStore = new JsonProjectionStore();
    await increment(store, 1);
    projectionStore.rows.set('totals', JSON.stringify({ state: { total: 'many' }, position: '1' }));
    const result = await createProjectionRunner({ store, projection: totals(), projectionStore }).catchUp();
    expect(E.isLeft(result) && result.left.code).toBe('CorruptedProjection');
    expect(E.isLeft(result) && result.left.message).toContain('totals');
  });

  it('applies each event exactly once when the store delivers it again', async () => {
    const inner = new InMemoryEventStore();
    for (const by of [1, 2, 4]) await increment(inner, by);
    const store = redelivering(inner);
    const runner = createProjectionRunner({ store, projection: totals() });
    expect(expectRight(await runner.catchUp())).toEqual({ total: 7, applied: ['1', '2', '3'] });
    await increment(inner, 8);
    expect(expectRight(await runner.catchUp())).toEqual({ total: 15, applied: ['1', '2', '3', '4'] });
  });

  it('detects a second runner of the same projection at its next save', async () => {
    const store = new InMemoryEventStore();
    const projectionStore = new InMemoryProjectionStore();
    await increment(store, 1);
    const first = createProjectionRunner({ store, projection: totals(), projectionStore });
    const second = createProjectionRunner({ store, projection: totals(), projectionStore });
    expectRight(await first.catchUp());
    expectRight(await second.catchUp());
    await increment(store, 2);
    expectRight(await second.catchUp());
    const result = await first.catchUp();
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'SecondWriter', projection: 'totals' });
    expect(await projectionStore.load('totals')).toMatchObject(E.right({ position: 2n }));
  });

  it('stops a live runner when another runner has written its projection', async () => {
    const store = new InMemoryEventStore();
    // The other runner reads a replica that is one event ahead, so it certainly saves first.
    const replica = new InMemoryEventStore();
    const projectionStore = new InMemoryProjectionStore();
    await increment(store, 1);
    await increment(replica, 1);
    const live = createProjectionRunner({ store, projection: totals(), projectionStore, saveEvery: 1, flushAfterMs: 60_000 });
    let caughtUp = false;
    const running = live.run({ onCaughtUp: () => (caughtUp = true) });
    await vi.waitFor(() => expect(caughtUp).toBe(true), patience);
    await increment(replica, 2);
    expectRight(await createProjectionRunner({ store: replica, projection: totals(), projectionStore }).catchUp());
    await increment(store, 2);
    const result = await running;
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'SecondWriter', projection: 'totals' });
    expect(await projectionStore.load('totals')).toMatchObject(E.right({ position: 2n, state: { total: 3 } }));
  });

  it('gives the same read model whether it runs once, is stopped and resumed anywhere, or sees events twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ by: fc.integer({ min: 1, max: 9 }), counter: fc.constantFrom('a', 'b'), noise: fc.boolean() }), { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
        async (steps, stopsAt, saveEvery) => {
          const store = new InMemoryEventStore();
          for (const step of steps) {
            if (step.noise) await noise(store);
            await increment(store, step.by, step.counter);
          }
          const full = expectRight(await createProjectionRunner({ store, projection: totals() }).catchUp());

          // Resumed: several runner instances, each stopping after some events, sharing one projection store.
          const projectionStore = new JsonProjectionStore();
          const limited = (limit: number): EventStore => ({
            appendToStream: (...args) => store.appendToStream(...args),
            readStream: (...args) => store.readStream(...args),
            subscribeToAll: (options) => store.subscribeToAll(options),
            close: () => store.close(),
            readAll: (options) => store.readAll({ ...options, maxCount: limit }),
          });
          for (const stop of stopsAt) {
            expectRight(await createProjectionRunner({ store: limited(stop), projection: totals(), projectionStore, saveEvery }).catchUp());
          }
          const resumed = expectRight(await createProjectionRunner({ store, projection: totals(), projectionStore, saveEvery }).catchUp());
          expect(resumed).toEqual(full);

          const twice = expectRight(await createProjectionRunner({ store: redelivering(store), projection: totals(), saveEvery }).catchUp());
          expect(twice).toEqual(full);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('in-memory projection store', () => {
  it('saves only over the checkpoint it was told to expect', async () => {
    const projectionStore = new InMemoryProjectionStore();
    expect(E.isRight(await projectionStore.save('p', { state: 1, position: 3n }, undefined))).toBe(true);
    expect(await projectionStore.save('p', { state: 2, position: 5n }, undefined)).toMatchObject(E.left({ code: 'SecondWriter' }));
    expect(E.isRight(await projectionStore.save('p', { state: 2, position: 5n }, 3n))).toBe(true);
    expect(await projectionStore.load('p')).toEqual(E.right({ state: 2, position: 5n }));
    await projectionStore.reset('p');
    expect(await projectionStore.load('p')).toEqual(E.right(undefined));
  });
});
