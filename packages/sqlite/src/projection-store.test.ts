import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Projection } from '@aftersales/core';
import { createProjectionRunner } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { SqliteEventStore } from './event-store.js';
import { SqliteProjectionStore } from './projection-store.js';

const right = <L extends { readonly message: string }, A>(result: E.Either<L, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

let directory: string;
let path: string;
const closers: Array<() => Promise<void>> = [];

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'aftersales-sqlite-'));
  path = join(directory, 'store.db');
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  rmSync(directory, { recursive: true, force: true });
});

const openProjections = () => {
  const store = right(SqliteProjectionStore.open(path));
  closers.push(() => store.close());
  return store;
};
const openEvents = () => {
  const store = right(SqliteEventStore.open(path));
  closers.push(() => store.close());
  return store;
};

describe('SqliteProjectionStore', () => {
  it('saves state and checkpoint together and loads them after a reopen', async () => {
    const first = openProjections();
    expect(right(await first.load('OnTimeReturns'))).toBeUndefined();
    right(await first.save('OnTimeReturns', { state: { orders: { 'o-1': 'late' }, total: 1 }, position: 12n }, undefined));
    await first.close();
    const second = openProjections();
    expect(right(await second.load('OnTimeReturns'))).toEqual({ state: { orders: { 'o-1': 'late' }, total: 1 }, position: 12n });
  });

  it('refuses a save whose expected checkpoint is not the stored one, as SecondWriter', async () => {
    const store = openProjections();
    right(await store.save('Audit', { state: [1], position: 5n }, undefined));
    expect(await store.save('Audit', { state: [2], position: 9n }, undefined)).toEqual(E.left(expect.objectContaining({ code: 'SecondWriter', projection: 'Audit' })));
    expect(await store.save('Audit', { state: [2], position: 9n }, 4n)).toEqual(E.left(expect.objectContaining({ code: 'SecondWriter', projection: 'Audit' })));
    right(await store.save('Audit', { state: [2], position: 9n }, 5n));
    expect(right(await store.load('Audit'))).toEqual({ state: [2], position: 9n });
    expect(await store.save('Missing', { state: [], position: 1n }, 3n)).toEqual(E.left(expect.objectContaining({ code: 'SecondWriter', projection: 'Missing' })));
  });

  it('lets two connections race for the same checkpoint with exactly one winner', async () => {
    const one = openProjections();
    const two = openProjections();
    right(await one.save('Kpi', { state: 0, position: 1n }, undefined));
    const results = await Promise.all([one.save('Kpi', { state: 1, position: 2n }, 1n), two.save('Kpi', { state: 2, position: 3n }, 1n)]);
    expect(results.filter(E.isRight)).toHaveLength(1);
  });

  it('forgets a projection on reset, leaving the others', async () => {
    const store = openProjections();
    right(await store.save('A', { state: 'a', position: 1n }, undefined));
    right(await store.save('B', { state: 'b', position: 2n }, undefined));
    right(await store.reset('A'));
    expect(right(await store.load('A'))).toBeUndefined();
    expect(right(await store.load('B'))).toEqual({ state: 'b', position: 2n });
  });

  it('lets a restarted process resume a projection from its checkpoint in the events file', async () => {
    const applied: string[] = [];
    const counter: Projection<number> = {
      name: 'Counter',
      initialState: 0,
      evolve: (state, event) => {
        applied.push(event.eventId);
        return state + 1;
      },
      serialize: (state) => state,
      deserialize: (stored) => (typeof stored === 'number' ? E.right(stored) : E.left('not a number')),
    };
    const batch = (count: number) => Array.from({ length: count }, () => testEvent());

    const events = openEvents();
    right(await events.appendToStream('RepairOrder-1', batch(4), { expectedRevision: 'noStream' }));
    expect(right(await createProjectionRunner({ store: events, projection: counter, projectionStore: events.projectionStore() }).catchUp())).toBe(4);
    right(await events.appendToStream('RepairOrder-1', batch(3), { expectedRevision: 3 }));
    await events.close();

    applied.length = 0;
    const restarted = openEvents();
    const resumed = createProjectionRunner({ store: restarted, projection: counter, projectionStore: restarted.projectionStore() });
    expect(right(await resumed.catchUp())).toBe(7);
    expect(applied).toHaveLength(3);
  });
});
