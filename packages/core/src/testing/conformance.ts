import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendResult, EventStore } from '../event-store.js';
import { collect, positionsBetween } from '../event-store.js';
import type { StoreError } from '../errors.js';
import { verifyStreamChain } from '../hash-chain.js';
import type { EventToAppend, RecordedEvent } from '../messages.js';

export interface StoreUnderTest {
  readonly store: EventStore;
  /** Closes the store and removes whatever it created. */
  readonly cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Per-test timeout in ms for adapters over a network (default 20 000). */
  readonly timeout?: number;
  /** The store has no `headPosition` (an adapter that cannot tell where its log ends): the suite checks that it offers none. */
  readonly withoutHeadPosition?: boolean;
}

/** An event for tests: a fresh UUID, a type, data and plausible metadata. */
export const testEvent = (type = 'SomethingHappened', data: unknown = { value: 1 }, eventId = randomUUID()): EventToAppend => ({
  eventId,
  type,
  data,
  metadata: {
    commandId: `command-${eventId}`,
    correlationId: 'correlation-1',
    causationId: 'causation-1',
    actor: { id: 'tester', role: 'Tester' },
    occurredAt: '2026-03-02T09:00:00+08:00',
    schemaVersion: 1,
  },
});

const testEvents = (count: number, type = 'SomethingHappened'): EventToAppend[] =>
  Array.from({ length: count }, (_, index) => testEvent(type, { index }));

export const uniqueStream = (category = 'Conformance') => `${category}-${randomUUID()}`;

const right = <A>(result: E.Either<StoreError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.code}: ${result.left.message}`);
  return result.right;
};

const left = <A>(result: E.Either<StoreError, A>): StoreError => {
  if (E.isRight(result)) throw new Error(`expected a failure, got success ${JSON.stringify(result.right, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return result.left;
};

const readStream = async (store: EventStore, streamId: string, options?: Parameters<EventStore['readStream']>[1]) =>
  right(await collect(store.readStream(streamId, options)));

/** Everything stored in `$all` after `after` that belongs to the given streams. */
const readAllOf = async (store: EventStore, streams: readonly string[], after?: bigint) => {
  const events = right(await collect(store.readAll(after === undefined ? {} : { after })));
  return events.filter((event) => streams.includes(event.streamId));
};

/**
 * The conformance suite: the port's conventions, which every adapter runs unchanged. `open` gives a
 * fresh store (or a store where the suite's unique stream names cannot collide with anything).
 */
export const describeEventStoreConformance = (
  name: string,
  open: () => Promise<StoreUnderTest>,
  options: ConformanceOptions = {},
): void => {
  describe(`${name} conforms to the event-store port`, { timeout: options.timeout ?? 20_000 }, () => {
    let subject: StoreUnderTest;
    let store: EventStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('numbers a new stream from revision 0 and returns the last revision', async () => {
      const stream = uniqueStream();
      const result = right(await store.appendToStream(stream, testEvents(3), { expectedRevision: 'noStream' }));
      expect(result.nextExpectedRevision).toBe(2);
      expect(result.events.map((event) => event.revision)).toEqual([0, 1, 2]);
      const next = right(await store.appendToStream(stream, testEvents(2), { expectedRevision: 2 }));
      expect(next.nextExpectedRevision).toBe(4);
      expect((await readStream(store, stream)).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
    });

    it('reads back exactly what was appended, metadata included, with recordedAt and an intact hash chain', async () => {
      const stream = uniqueStream();
      const appended = [testEvent('OrderReceived', { name: '王芳', nested: { list: [1, 2, 3], flag: true, none: null } }), testEvent('OrderConfirmed', { at: '2026-03-02T09:00:00+08:00' })];
      right(await store.appendToStream(stream, appended, { expectedRevision: 'noStream' }));
      const read = await readStream(store, stream);
      expect(read.map(({ eventId, type, data, streamId }) => ({ eventId, type, data, streamId }))).toEqual(
        appended.map(({ eventId, type, data }) => ({ eventId, type, data, streamId: stream })),
      );
      read.forEach((event, index) => {
        expect(event.metadata).toMatchObject(appended[index]!.metadata);
        expect(Number.isNaN(Date.parse(event.metadata.recordedAt))).toBe(false);
        expect(typeof event.globalPosition).toBe('bigint');
      });
      expect(verifyStreamChain(read)).toEqual([]);
    });

    it('continues the hash chain across appends', async () => {
      const stream = uniqueStream();
      right(await store.appendToStream(stream, testEvents(2), { expectedRevision: 'noStream' }));
      right(await store.appendToStream(stream, testEvents(2), { expectedRevision: 'any' }));
      right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'streamExists' }));
      const read = await readStream(store, stream);
      expect(read).toHaveLength(5);
      expect(verifyStreamChain(read)).toEqual([]);
    });

    it('reads a stream forwards and backwards, from a revision, up to a count', async () => {
      const stream = uniqueStream();
      right(await store.appendToStream(stream, testEvents(10), { expectedRevision: 'noStream' }));
      const revisions = (events: RecordedEvent[]) => events.map((event) => event.revision);
      expect(revisions(await readStream(store, stream, { from: 3, maxCount: 4 }))).toEqual([3, 4, 5, 6]);
      expect(revisions(await readStream(store, stream, { direction: 'backwards', maxCount: 3 }))).toEqual([9, 8, 7]);
      expect(revisions(await readStream(store, stream, { direction: 'backwards', from: 4 }))).toEqual([4, 3, 2, 1, 0]);
      expect(revisions(await readStream(store, stream, { from: 10 }))).toEqual([]);
    });

    it('reports a stream that does not exist as StreamNotFound', async () => {
      const stream = uniqueStream();
      const result = await collect(store.readStream(stream));
      expect(left(result)).toMatchObject({ code: 'StreamNotFound', streamId: stream });
    });

    describe('expected revision', () => {
      it('noStream succeeds only on a new stream', async () => {
        const stream = uniqueStream();
        right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'noStream' }));
        expect(left(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'noStream' }))).toMatchObject({
          code: 'ConcurrencyConflict',
          streamId: stream,
          expected: 'noStream',
          actual: 0,
        });
      });

      it('streamExists succeeds only on an existing stream', async () => {
        const stream = uniqueStream();
        expect(left(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'streamExists' }))).toMatchObject({
          code: 'ConcurrencyConflict',
          expected: 'streamExists',
          actual: 'noStream',
        });
        right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'any' }));
        expect(right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'streamExists' })).nextExpectedRevision).toBe(1);
      });

      it('an exact revision succeeds only when it is the last revision', async () => {
        const stream = uniqueStream();
        right(await store.appendToStream(stream, testEvents(3), { expectedRevision: 'noStream' }));
        expect(left(await store.appendToStream(stream, testEvents(1), { expectedRevision: 1 }))).toMatchObject({
          code: 'ConcurrencyConflict',
          expected: 1,
          actual: 2,
        });
        expect(left(await store.appendToStream(uniqueStream(), testEvents(1), { expectedRevision: 0 }))).toMatchObject({
          code: 'ConcurrencyConflict',
          expected: 0,
          actual: 'noStream',
        });
        expect(right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 2 })).nextExpectedRevision).toBe(3);
      });

      it('any succeeds on new and existing streams', async () => {
        const stream = uniqueStream();
        expect(right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(0);
        expect(right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'any' })).nextExpectedRevision).toBe(1);
      });
    });

    it('stores nothing of a batch that is refused', async () => {
      const stream = uniqueStream();
      right(await store.appendToStream(stream, testEvents(2), { expectedRevision: 'noStream' }));
      left(await store.appendToStream(stream, testEvents(5), { expectedRevision: 0 }));
      const duplicateId = randomUUID();
      const invalid = [testEvent('A', {}, randomUUID()), testEvent('B', {}, duplicateId), testEvent('C', {}, duplicateId)];
      expect(left(await store.appendToStream(stream, invalid, { expectedRevision: 1 })).code).toBe('InvalidAppend');
      expect(left(await store.appendToStream(stream, [], { expectedRevision: 1 })).code).toBe('InvalidAppend');
      expect(await readStream(store, stream)).toHaveLength(2);
    });

    it('refuses metadata that reads could not decode, so one bad append cannot make the log unreadable', async () => {
      const stream = uniqueStream();
      const withActor = (actor: unknown): EventToAppend => {
        const event = testEvent();
        return { ...event, metadata: { ...event.metadata, actor } as EventToAppend['metadata'] };
      };
      for (const actor of [{ id: '', role: 'Auditor' }, { id: 'a'.repeat(300), role: 'Auditor' }, { id: 'auditor' }]) {
        const refused = left(await store.appendToStream(stream, [withActor(actor)], { expectedRevision: 'any' }));
        expect(refused.code).toBe('InvalidAppend');
        expect(refused.message).toContain('metadata.actor');
      }
      const unversioned = testEvent();
      const noVersion = { ...unversioned, metadata: { ...unversioned.metadata, schemaVersion: 0 } };
      expect(left(await store.appendToStream(stream, [noVersion], { expectedRevision: 'any' })).code).toBe('InvalidAppend');
      right(await store.appendToStream(stream, [testEvent()], { expectedRevision: 'noStream' }));
      expect(await readStream(store, stream)).toHaveLength(1);
      expect(E.isRight(await collect(store.readAll()))).toBe(true);
    });

    it('treats the same event ids appended again at the same expected revision as one append', async () => {
      const stream = uniqueStream();
      right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'noStream' }));
      const batch = testEvents(3);
      const first: AppendResult = right(await store.appendToStream(stream, batch, { expectedRevision: 0 }));
      const again: AppendResult = right(await store.appendToStream(stream, batch, { expectedRevision: 0 }));
      expect(again.nextExpectedRevision).toBe(first.nextExpectedRevision);
      expect(again.events.map((event) => event.eventId)).toEqual(batch.map((event) => event.eventId));
      const read = await readStream(store, stream);
      expect(read).toHaveLength(4);
      expect(new Set(read.map((event) => event.eventId)).size).toBe(4);
      const newStreamBatch = testEvents(2);
      const fresh = uniqueStream();
      right(await store.appendToStream(fresh, newStreamBatch, { expectedRevision: 'noStream' }));
      right(await store.appendToStream(fresh, newStreamBatch, { expectedRevision: 'noStream' }));
      expect(await readStream(store, fresh)).toHaveLength(2);
    });

    it('orders $all across streams by append, with strictly increasing positions', async () => {
      const streams = [uniqueStream(), uniqueStream(), uniqueStream()];
      const expected: string[] = [];
      for (let round = 0; round < 4; round += 1) {
        for (const stream of streams) {
          const batch = testEvents(2);
          right(await store.appendToStream(stream, batch, { expectedRevision: 'any' }));
          expected.push(...batch.map((event) => event.eventId));
        }
      }
      const all = await readAllOf(store, streams);
      expect(all.map((event) => event.eventId)).toEqual(expected);
      for (let index = 1; index < all.length; index += 1) {
        expect(all[index]!.globalPosition > all[index - 1]!.globalPosition).toBe(true);
      }
    });

    it('tells the head of $all: nothing to read after it, at or after the last event stored, and how far an earlier position is behind it', async () => {
      if (options.withoutHeadPosition === true) {
        expect(store.headPosition).toBeUndefined();
        return;
      }
      expect(store.headPosition, 'headPosition').toBeTypeOf('function');
      const head = () => store.headPosition!();
      const before = await head();
      expect(right(await collect(store.readAll(before === undefined ? {} : { after: before })))).toEqual([]);
      const first = right(await store.appendToStream(uniqueStream(), testEvents(3), { expectedRevision: 'noStream' })).events;
      const second = right(await store.appendToStream(uniqueStream(), testEvents(2), { expectedRevision: 'noStream' })).events;
      const last = second.at(-1)!.globalPosition;
      const after = (await head())!;
      expect(after >= last).toBe(true);
      expect(right(await collect(store.readAll({ after })))).toEqual([]);
      expect(positionsBetween(store, after, after)).toBe(0);
      const fromFirst = positionsBetween(store, first[0]!.globalPosition, after);
      expect(fromFirst).toBeGreaterThan(0);
      expect(fromFirst).toBeGreaterThanOrEqual(positionsBetween(store, last, after));
      expect(positionsBetween(store, undefined, after)).toBeGreaterThanOrEqual(fromFirst);
      // Without a measure of its own a store's positions number its events: four were stored after the first.
      if (store.positionsBetween === undefined) expect(fromFirst).toBe(4);
    });

    it('reads $all after a position, up to a count, filtered by stream prefix and event type', async () => {
      const category = `Filtered${randomUUID().slice(0, 8)}`;
      const mine = uniqueStream(category);
      const other = uniqueStream();
      right(await store.appendToStream(mine, [testEvent('Kept'), testEvent('Dropped'), testEvent('Kept')], { expectedRevision: 'noStream' }));
      right(await store.appendToStream(other, [testEvent('Kept')], { expectedRevision: 'noStream' }));
      right(await store.appendToStream(mine, [testEvent('Kept')], { expectedRevision: 2 }));
      const byPrefix = right(await collect(store.readAll({ filter: { streamPrefixes: [`${category}-`] } })));
      expect(byPrefix.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
      const byBoth = right(await collect(store.readAll({ filter: { streamPrefixes: [`${category}-`], eventTypes: ['Kept'] } })));
      expect(byBoth.map((event) => event.revision)).toEqual([0, 2, 3]);
      const after = right(await collect(store.readAll({ after: byBoth[0]!.globalPosition, maxCount: 1, filter: { streamPrefixes: [`${category}-`], eventTypes: ['Kept'] } })));
      expect(after.map((event) => event.revision)).toEqual([2]);
      const mineAfter = await readAllOf(store, [mine], byBoth[1]!.globalPosition);
      expect(mineAfter.map((event) => event.revision)).toEqual([3]);
    });

    it('delivers history then live events to a subscription, with no gap and no duplicate', async () => {
      const category = `Subscribed${randomUUID().slice(0, 8)}`;
      const stream = uniqueStream(category);
      right(await store.appendToStream(stream, testEvents(5), { expectedRevision: 'noStream' }));
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: [`${category}-`] } });
      const received: RecordedEvent[] = [];
      const done = (async () => {
        for await (const event of subscription) {
          received.push(event);
          if (received.length === 12) break;
        }
      })();
      await subscription.caughtUp;
      const writes = [
        store.appendToStream(stream, testEvents(3), { expectedRevision: 'any' }),
        store.appendToStream(uniqueStream(category), testEvents(2), { expectedRevision: 'noStream' }),
      ];
      for (const write of writes) right(await write);
      right(await store.appendToStream(stream, testEvents(2), { expectedRevision: 'any' }));
      await done;
      await subscription.close();
      expect(received).toHaveLength(12);
      expect(new Set(received.map((event) => event.eventId)).size).toBe(12);
      for (let index = 1; index < received.length; index += 1) {
        expect(received[index]!.globalPosition > received[index - 1]!.globalPosition).toBe(true);
      }
      expect(received.filter((event) => event.streamId === stream).map((event) => event.revision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('subscribes after a position and can be closed while waiting', async () => {
      const category = `Resumed${randomUUID().slice(0, 8)}`;
      const stream = uniqueStream(category);
      const appended = right(await store.appendToStream(stream, testEvents(4), { expectedRevision: 'noStream' }));
      const subscription = store.subscribeToAll({ after: appended.events[1]!.globalPosition, filter: { streamPrefixes: [`${category}-`] } });
      const received: number[] = [];
      const done = (async () => {
        for await (const event of subscription) received.push(event.revision);
      })();
      await subscription.caughtUp;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await subscription.close();
      await done;
      expect(received).toEqual([2, 3]);
    });

    it('lets exactly one of many concurrent appenders win each revision', async () => {
      const stream = uniqueStream();
      right(await store.appendToStream(stream, testEvents(1), { expectedRevision: 'noStream' }));
      for (let round = 0; round < 5; round += 1) {
        const expectedRevision = round * 2;
        const attempts = await Promise.all(
          Array.from({ length: 8 }, () => store.appendToStream(stream, testEvents(2), { expectedRevision })),
        );
        expect(attempts.filter(E.isRight)).toHaveLength(1);
        for (const attempt of attempts.filter(E.isLeft)) expect(attempt.left.code).toBe('ConcurrencyConflict');
      }
      const read = await readStream(store, stream);
      expect(read.map((event) => event.revision)).toEqual(Array.from({ length: 11 }, (_, index) => index));
      expect(verifyStreamChain(read)).toEqual([]);
    });

    it('holds a 10,000-event stream', async () => {
      const stream = uniqueStream();
      for (let batch = 0; batch < 20; batch += 1) {
        right(await store.appendToStream(stream, testEvents(500), { expectedRevision: batch === 0 ? 'noStream' : batch * 500 - 1 }));
      }
      const read = await readStream(store, stream);
      expect(read).toHaveLength(10_000);
      expect(read.every((event, index) => event.revision === index && (event.data as { index: number }).index === index % 500)).toBe(true);
      const last = await readStream(store, stream, { direction: 'backwards', maxCount: 1 });
      expect(last[0]?.revision).toBe(9_999);
      expect(verifyStreamChain(read)).toEqual([]);
    });

    it('round-trips a large payload', async () => {
      const stream = uniqueStream();
      const text = '修复'.repeat(100_000) + 'x'.repeat(300_000);
      right(await store.appendToStream(stream, [testEvent('Large', { text, list: Array.from({ length: 5_000 }, (_, index) => index) })], { expectedRevision: 'noStream' }));
      const [read] = await readStream(store, stream);
      expect((read?.data as { text: string }).text).toBe(text);
      expect((read?.data as { list: number[] }).list).toHaveLength(5_000);
    });
  });
};
