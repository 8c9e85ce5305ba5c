import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { expect, it } from 'vitest';
import type { EventStore } from '../event-store.js';
import { collect, positionsBetween } from '../event-store.js';
import { verifyStreamChain } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import { readAllOf, readStream, right, testEvent, testEvents, uniqueStream } from './test-events.js';

/**
 * The half of the conformance suite about the log as a whole: `$all`'s order and filters,
 * catch-up subscriptions, concurrent appenders and volume. `current` gives the store of the test
 * that runs.
 */
export const describeLogConformance = (current: () => EventStore, options: { readonly withoutHeadPosition?: boolean } = {}): void => {
  it('orders $all across streams by append, with strictly increasing positions', async () => {
    const store = current();
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
    const store = current();
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
    const store = current();
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
    const store = current();
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
    const store = current();
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
    const store = current();
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
    const store = current();
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
    const store = current();
    const stream = uniqueStream();
    const text = '修复'.repeat(100_000) + 'x'.repeat(300_000);
    right(await store.appendToStream(stream, [testEvent('Large', { text, list: Array.from({ length: 5_000 }, (_, index) => index) })], { expectedRevision: 'noStream' }));
    const [read] = await readStream(store, stream);
    expect((read?.data as { text: string }).text).toBe(text);
    expect((read?.data as { list: number[] }).list).toHaveLength(5_000);
  });
};
