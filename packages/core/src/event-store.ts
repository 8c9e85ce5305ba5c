import * as E from 'fp-ts/lib/Either.js';
import type { ExpectedRevision, StoreError } from './errors.js';
import { isStoreFailure, storeUnavailable } from './errors.js';
import type { EventToAppend, RecordedEvent } from './messages.js';

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
  /**
   * The hash of the stream's event at a numeric `expectedRevision`, as the caller last read it from
   * this store (command handling passes its cached head). An adapter that would otherwise read the
   * stream's last event to continue the hash chain may seal the batch with it instead: the
   * expected-revision check makes sure the stream still ends at that event. Adapters that read the
   * head anyway ignore it.
   */
  readonly expectedHash?: string;
}

export interface AppendResult {
  /** The revision of the last event now in the stream: the `expectedRevision` for the next append. */
  readonly nextExpectedRevision: number;
  /** The events as stored (an idempotent re-append returns the events stored the first time). */
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive); the last revision when reading backwards. */
  readonly from?: number | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Only streams whose id starts with one of these prefixes (e.g. `RepairOrder-`). */
  readonly streamPrefixes?: readonly string[];
  /** Only these event types. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read events strictly after this position; from the beginning when absent. */
  readonly after?: bigint;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Deliver events strictly after this position; from the beginning when absent. */
  readonly after?: bigint;
  readonly filter?: EventFilter;
}

/**
 * A catch-up subscription to `$all`: history first, then live events, in global order, with no gap
 * and no duplicate. Iterate it with `for await`; `close()` ends the iteration.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Resolves once every event stored when the subscription started has been delivered. */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

/**
 * The one port every store implements. Conventions (checked by the conformance suite in
 * `@aftersales/core/testing`):
 * - revisions start at 0 in every stream; `nextExpectedRevision` is the last stored revision;
 * - an append is atomic for the whole batch and checks `expectedRevision` first;
 * - appending events whose ids are already the stream's events at that expected revision succeeds
 *   again, returning the events stored the first time, and stores nothing new (idempotent retry);
 * - global positions increase with every stored event; `readAll` and subscriptions follow them;
 * - reading a stream that does not exist throws `StoreFailure(StreamNotFound)` when iterated.
 * Stores set `recordedAt` from their clock and compute the hash chain with `sealEvents`.
 */
export interface EventStore {
  /**
   * What the store keeps its events in, as OpenTelemetry's `db.system` names it (`memory`, `sqlite`,
   * `eventstoredb`, …): the attribute command handling puts on its load and append spans.
   */
  readonly dbSystem?: string;
  /**
   * The global position of the log's last record now, undefined while it holds none: a `readAll`
   * after it yields nothing until more is stored. Projections ask it once per batch to measure how
   * far behind the head they are; without it they know that only from what they have read.
   */
  headPosition?(): Promise<bigint | undefined>;
  /**
   * How far a reader that has taken in the log up to `from` (nothing yet: undefined) is behind `to`,
   * in the unit the store's positions count. Absent, positions number the events (`to - from`), as
   * in memory and SQLite; EventStoreDB's count bytes of its transaction log.
   */
  positionsBetween?(from: bigint | undefined, to: bigint): number;
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>>;
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribeToAll(options?: SubscribeOptions): Subscription;
  close(): Promise<void>;
}

/** Collects an async iterable of a store into an array, turning a thrown `StoreFailure` into a `Left`. */
export const collect = async <A>(iterable: AsyncIterable<A>): Promise<E.Either<StoreError, A[]>> => {
  const items: A[] = [];
  try {
    for await (const item of iterable) items.push(item);
    return E.right(items);
  } catch (thrown) {
    if (isStoreFailure(thrown)) return E.left(thrown.error);
    return E.left(storeUnavailable(`read failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown));
  }
};

export const matchesFilter = (filter: EventFilter | undefined, streamId: string, type: string): boolean => {
  if (filter === undefined) return true;
  if (filter.streamPrefixes !== undefined && !filter.streamPrefixes.some((prefix) => streamId.startsWith(prefix))) {
    return false;
  }
  if (filter.eventTypes !== undefined && !filter.eventTypes.includes(type)) return false;
  return true;
};

/** A wrapper's pass-through of the store's head and the distance between its positions, where the store has them. */
export const logHeadOf = (store: EventStore): Pick<EventStore, 'headPosition' | 'positionsBetween'> => ({
  ...(store.headPosition === undefined ? {} : { headPosition: () => store.headPosition!() }),
  ...(store.positionsBetween === undefined ? {} : { positionsBetween: (from: bigint | undefined, to: bigint) => store.positionsBetween!(from, to) }),
});

/** How far `from` is behind `to` in the store's positions (see `EventStore.positionsBetween`); never below 0. */
export const positionsBetween = (store: EventStore, from: bigint | undefined, to: bigint): number =>
  Math.max(0, store.positionsBetween === undefined ? Number(to - (from ?? 0n)) : store.positionsBetween(from, to));
