import * as E from 'fp-ts/lib/Either.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SubscribeOptions, Subscription } from './event-store.js';
import { matchesFilter } from './event-store.js';
import type { StoreError } from './errors.js';
import { StoreFailure, concurrencyConflict, invalidAppend, streamNotFound } from './errors.js';
import { GENESIS_HASH, sealEvents } from './hash-chain.js';
import { checkExpectedRevision, findIdempotentAppend, validateBatch } from './append-rules.js';
import type { EventToAppend, RecordedEvent } from './messages.js';
import { catchUpSubscription } from './subscription.js';

export interface InMemoryEventStoreOptions {
  /** The store's clock for `recordedAt`; the system clock by default. */
  readonly clock?: () => Date;
}

/** The event-store port held in memory: for tests, examples and benchmarks. Nothing survives the process. */
export class InMemoryEventStore implements EventStore {
  readonly dbSystem = 'memory';
  private readonly streams = new Map<string, RecordedEvent[]>();
  private readonly all: RecordedEvent[] = [];
  /** Event id → the event stored under it, so a retried append is recognized without a scan. */
  private readonly eventIds = new Map<string, RecordedEvent>();
  private waiters: Array<() => void> = [];
  private readonly clock: () => Date;
  private lastTime = Number.NaN;
  private lastRecordedAt = '';

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.clock = options.clock ?? (() => new Date());
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const invalid = validateBatch(streamId, events);
    if (invalid !== undefined) return E.left(invalidAppend(invalid));
    const stream = this.streams.get(streamId) ?? [];
    const idempotent = findIdempotentAppend(stream, events, options.expectedRevision, (eventId) => {
      const found = this.eventIds.get(eventId);
      return found?.streamId === streamId ? found.revision : undefined;
    });
    if (idempotent !== undefined) {
      return idempotent.length === events.length
        ? E.right({ nextExpectedRevision: stream.length - 1, events: idempotent })
        : E.left(concurrencyConflict(streamId, options.expectedRevision, stream.length === 0 ? 'noStream' : stream.length - 1));
    }
    const conflict = checkExpectedRevision(streamId, options.expectedRevision, stream.length - 1);
    if (conflict !== undefined) return E.left(conflict);
    // An event id is stored once, as SQLite's unique index has it: a batch repeating one is no retry.
    const stored = events.find((event) => this.eventIds.has(event.eventId));
    if (stored !== undefined) return E.left(invalidAppend(`stream ${streamId}: event id ${stored.eventId} of the batch is already stored`));

    const last = stream[stream.length - 1];
    const sealed = sealEvents(streamId, stream.length, last?.metadata.hash ?? GENESIS_HASH, events, this.recordedAt());
    // Written out member by member: a spread copy given a new member is slow to build in V8.
    const recorded = sealed.map(({ streamId: id, revision, eventId, type, data, metadata }, index): RecordedEvent => ({
      streamId: id,
      revision,
      globalPosition: BigInt(this.all.length + index + 1),
      eventId,
      type,
      data,
      metadata,
    }));
    if (stream.length === 0) this.streams.set(streamId, stream);
    for (const event of recorded) {
      stream.push(event);
      this.all.push(event);
      this.eventIds.set(event.eventId, event);
    }
    if (this.waiters.length > 0) this.notify();
    return E.right({ nextExpectedRevision: stream.length - 1, events: recorded });
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new StoreFailure(streamNotFound(streamId));
    const backwards = options.direction === 'backwards';
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    const from = options.from ?? (backwards ? 'end' : 'start');
    let index = from === 'start' ? 0 : from === 'end' ? stream.length - 1 : from;
    let count = 0;
    while (count < maxCount && index >= 0 && index < stream.length) {
      yield stream[index]!;
      index += backwards ? -1 : 1;
      count += 1;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    // Positions are 1-based indexes into `all`, so `after` is the index to start at.
    let index = options.after === undefined ? 0 : Number(options.after);
    const maxCount = options.maxCount ?? Number.POSITIVE_INFINITY;
    let count = 0;
    while (count < maxCount && index < this.all.length) {
      const event = this.all[index]!;
      index += 1;
      if (!matchesFilter(options.filter, event.streamId, event.type)) continue;
      count += 1;
      yield event;
    }
  }

  async headPosition(): Promise<bigint | undefined> {
    return this.all.at(-1)?.globalPosition;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    return catchUpSubscription(
      {
        readAll: (readOptions) => this.readAll(readOptions),
        waitForChange: (signal) =>
          new Promise<void>((resolve) => {
            if (signal.aborted) return resolve();
            const wake = () => {
              signal.removeEventListener('abort', wake);
              resolve();
            };
            signal.addEventListener('abort', wake, { once: true });
            this.waiters.push(wake);
          }),
      },
      options,
    );
  }

  async close(): Promise<void> {
    this.notify();
  }

  /** The clock's time as ISO text, written out again only when the millisecond has changed: appends come faster than that. */
  private recordedAt(): string {
    const now = this.clock().getTime();
    if (now !== this.lastTime) {
      this.lastTime = now;
      this.lastRecordedAt = new Date(now).toISOString();
    }
    return this.lastRecordedAt;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
