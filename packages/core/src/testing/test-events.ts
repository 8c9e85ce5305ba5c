import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { collect } from '../event-store.js';
import type { EventToAppend } from '../messages.js';

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

export const testEvents = (count: number, type = 'SomethingHappened'): EventToAppend[] =>
  Array.from({ length: count }, (_, index) => testEvent(type, { index }));

export const uniqueStream = (category = 'Conformance') => `${category}-${randomUUID()}`;

export const right = <A>(result: E.Either<StoreError, A>): A => {
  if (E.isLeft(result)) throw new Error(`expected success, got ${result.left.code}: ${result.left.message}`);
  return result.right;
};
export const left = <A>(result: E.Either<StoreError, A>): StoreError => {
  if (E.isRight(result)) throw new Error(`expected a failure, got success ${JSON.stringify(result.right, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))}`);
  return result.left;
};
export const readStream = async (store: EventStore, streamId: string, options?: Parameters<EventStore['readStream']>[1]) =>
  right(await collect(store.readStream(streamId, options)));
/** Everything stored in `$all` after `after` that belongs to the given streams. */
export const readAllOf = async (store: EventStore, streams: readonly string[], after?: bigint) => {
  const events = right(await collect(store.readAll(after === undefined ? {} : { after })));
  return events.filter((event) => streams.includes(event.streamId));
};
