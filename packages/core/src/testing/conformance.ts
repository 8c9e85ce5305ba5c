import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendResult, EventStore } from '../event-store.js';
import { collect } from '../event-store.js';
import { verifyStreamChain } from '../hash-chain.js';
import type { EventToAppend, RecordedEvent } from '../messages.js';
import { describeLogConformance } from './conformance-log.js';
import { left, readStream, right, testEvent, testEvents, uniqueStream } from './test-events.js';

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

    describeLogConformance(() => store, options);
  });
};
