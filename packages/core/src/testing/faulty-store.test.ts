import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { isStoreFailure } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { collect } from '../event-store.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import type { RecordedEvent } from '../messages.js';
import { FaultyEventStore } from './faulty-store.js';
import { testEvent } from './test-events.js';


const all = async (store: EventStore): Promise<RecordedEvent[]> => {
  const read = await collect(store.readAll());
  if (E.isLeft(read)) throw new Error(read.left.message);
  return read.right;
};
describe('FaultyEventStore', () => {
  it('fails an append before it commits: StoreUnavailable, nothing stored', async () => {
    const inner = new InMemoryEventStore();
    const store = new FaultyEventStore(inner, { seed: 1, rates: { failBeforeAppend: 1 } });
    const result = await store.appendToStream('S-1', [testEvent()], { expectedRevision: 'noStream' });
    expect(E.isLeft(result) && result.left.code).toBe('StoreUnavailable');
    expect(await all(inner)).toEqual([]);
    expect(store.injected.failBeforeAppend).toBe(1);
  });

  it('fails an append after it commits: StoreUnavailable, yet the events are stored, and the same append again is recognized', async () => {
    const inner = new InMemoryEventStore();
    const store = new FaultyEventStore(inner, { seed: 1, rates: { failAfterAppend: 1 } });
    const event = testEvent();
    const result = await store.appendToStream('S-1', [event], { expectedRevision: 'noStream' });
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'StoreUnavailable', retryable: true });
    expect((await all(inner)).map((stored) => stored.eventId)).toEqual([event.eventId]);
    const retried = await inner.appendToStream('S-1', [event], { expectedRevision: 'noStream' });
    expect(E.isRight(retried) && retried.right.events.map((stored) => stored.eventId)).toEqual([event.eventId]);
    expect(await all(inner)).toHaveLength(1);
  });

  it('times an append out: StoreUnavailable at once, and the append lands later', async () => {
    const inner = new InMemoryEventStore();
    const store = new FaultyEventStore(inner, { seed: 1, rates: { timeoutAppend: 1 }, maxDelayMs: 20 });
    const result = await store.appendToStream('S-1', [testEvent()], { expectedRevision: 'noStream' });
    expect(E.isLeft(result) && result.left.code).toBe('StoreUnavailable');
    await store.settled();
    expect(await all(inner)).toHaveLength(1);
  });

  it('delays appends and reads, and still answers', async () => {
    const store = new FaultyEventStore(new InMemoryEventStore(), { seed: 1, rates: { delayAppend: 1, delayRead: 1 } });
    expect(E.isRight(await store.appendToStream('S-1', [testEvent()], { expectedRevision: 'noStream' }))).toBe(true);
    const read = await collect(store.readStream('S-1'));
    expect(E.isRight(read) && read.right).toHaveLength(1);
    expect(store.injected).toMatchObject({ delayAppend: 1, delayRead: 1 });
  });

  it('breaks reads off part way with a thrown StoreFailure(StoreUnavailable)', async () => {
    const inner = new InMemoryEventStore();
    await inner.appendToStream('S-1', Array.from({ length: 10 }, () => testEvent()), { expectedRevision: 'noStream' });
    const store = new FaultyEventStore(inner, { seed: 7, rates: { failRead: 1 } });
    const streamRead = await collect(store.readStream('S-1'));
    const allRead = await collect(store.readAll());
    expect(E.isLeft(streamRead) && streamRead.left.code).toBe('StoreUnavailable');
    expect(E.isLeft(allRead) && allRead.left.code).toBe('StoreUnavailable');
    expect(store.injected.failRead).toBe(2);
  });

  it('drops a live subscription part way with a thrown StoreFailure(StoreUnavailable)', async () => {
    const inner = new InMemoryEventStore();
    await inner.appendToStream('S-1', Array.from({ length: 10 }, () => testEvent()), { expectedRevision: 'noStream' });
    const store = new FaultyEventStore(inner, { seed: 3, rates: { dropSubscription: 1 }, maxEventsBeforeBreak: 4 });
    const subscription = store.subscribeToAll();
    const received: RecordedEvent[] = [];
    const thrown = await (async () => {
      try {
        for await (const event of subscription) received.push(event);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(isStoreFailure(thrown) && thrown.error.code).toBe('StoreUnavailable');
    expect(received.length).toBeLessThanOrEqual(4);
    expect(received.map((event) => event.revision)).toEqual(received.map((_, index) => index));
  });

  it('injects the same faults for the same seed and the same operations', async () => {
    const schedule = async (seed: number) => {
      const store = new FaultyEventStore(new InMemoryEventStore(), {
        seed,
        rates: { failBeforeAppend: 0.2, failAfterAppend: 0.2, delayAppend: 0.1, failRead: 0.2 },
        maxDelayMs: 0,
      });
      for (let index = 0; index < 40; index += 1) {
        await store.appendToStream(`S-${index % 3}`, [testEvent('E', { index }, `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`)], { expectedRevision: 'any' });
        await collect(store.readStream(`S-${index % 3}`));
      }
      return store.log;
    };
    const first = await schedule(42);
    expect(first.length).toBeGreaterThan(0);
    expect(await schedule(42)).toEqual(first);
    expect(await schedule(43)).not.toEqual(first);
  });
});
