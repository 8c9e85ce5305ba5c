import type { AllStreamResolvedEvent, AppendExpectedRevision, ResolvedEvent, StreamingRead } from '@eventstore/db-client';
import { BACKWARDS, END, EventStoreDBClient, FORWARDS, NO_STREAM, START, WrongExpectedVersionError } from '@eventstore/db-client';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  SubscribeOptions,
  Subscription,
} from '@aftersales/core';
import {
  GENESIS_HASH,
  StoreFailure,
  checkExpectedRevision,
  collect,
  concurrencyConflict,
  findIdempotentAppend,
  invalidAppend,
  isStoreFailure,
  matchesFilter,
  sealEvents,
  storeUnavailable,
  validateBatch,
} from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, isSystemEvent, toEventData } from './codec.js';
import { isCaughtUpMarker, openAllSubscription } from './client-subscription.js';
import { isStreamDeleted, toStoreError } from './errors.js';
import { fromGlobalPosition, toGlobalPosition } from './position.js';
import type { ResubscribeOptions } from './subscription.js';
import { resubscribingSubscription } from './subscription.js';

export const CONNECTION_STRING_VARIABLE = 'EVENTSTORE_CONNECTION_STRING';

export interface EventStoreDBEventStoreOptions {
  /** How long an append may take, connection included, before it returns `StoreUnavailable` (default 5 000 ms). */
  readonly appendDeadlineMs?: number;
  /**
   * With `expectedRevision` `any` or `streamExists`, the append is sent at the exact revision it read
   * (the hash chain needs it); when another writer gets in between, or the connection is being
   * re-established, it reads and tries again, this many times at most (default 5).
   */
  readonly maxAppendAttempts?: number;
  /** Events per page when reading `$all` (default 1 000). */
  readonly pageSize?: number;
  /** The clock behind `recordedAt` (default: the system clock). */
  readonly clock?: () => Date;
  /** Backoff of a live subscription that lost its connection. */
  readonly resubscribe?: ResubscribeOptions;
}

export interface ConfigurationError {
  readonly code: 'InvalidConfiguration';
  readonly message: string;
}

interface StreamHead {
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly hash: string;
}

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The event-store port on EventStoreDB (and KurrentDB) through `@eventstore/db-client`. Streams keep
 * EventStoreDB's own revisions (from 0); `$all` positions become one ordered bigint (see
 * `position.ts`); metadata is JSON that EventStoreDB's tools read (`$correlationId`, `$causationId`).
 */
export class EventStoreDBEventStore implements EventStore {
  private readonly appendDeadlineMs: number;
  private readonly maxAppendAttempts: number;
  private readonly pageSize: number;
  private readonly clock: () => Date;
  private readonly resubscribe: ResubscribeOptions;
  private readonly subscriptions = new Set<Subscription>();

  constructor(
    readonly client: EventStoreDBClient,
    options: EventStoreDBEventStoreOptions = {},
  ) {
    this.appendDeadlineMs = options.appendDeadlineMs ?? 5_000;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 5;
    this.pageSize = options.pageSize ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
    this.resubscribe = options.resubscribe ?? {};
  }

  /** A store on the server the connection string names (`esdb://host:2113?tls=false`, `esdb+discover://…`). */
  static fromConnectionString(
    connectionString: string,
    options: EventStoreDBEventStoreOptions = {},
  ): E.Either<ConfigurationError, EventStoreDBEventStore> {
    try {
      return E.right(new EventStoreDBEventStore(EventStoreDBClient.connectionString(connectionString), options));
    } catch (thrown) {
      return E.left({
        code: 'InvalidConfiguration',
        message: `invalid EventStoreDB connection string: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
      });
    }
  }

  /** A store on the server named by `EVENTSTORE_CONNECTION_STRING`. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: EventStoreDBEventStoreOptions = {},
  ): E.Either<ConfigurationError, EventStoreDBEventStore> {
    const connectionString = env[CONNECTION_STRING_VARIABLE];
    if (connectionString === undefined || connectionString.trim() === '') {
      return E.left({ code: 'InvalidConfiguration', message: `${CONNECTION_STRING_VARIABLE} is not set` });
    }
    return EventStoreDBEventStore.fromConnectionString(connectionString, options);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const invalid = validateBatch(streamId, events);
    if (invalid !== undefined) return E.left(invalidAppend(invalid));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<E.Either<StoreError, AppendResult>>((resolve) => {
      timer = setTimeout(
        () => resolve(E.left(storeUnavailable(`append to ${streamId}: no answer from EventStoreDB within ${this.appendDeadlineMs} ms`))),
        this.appendDeadlineMs,
      );
    });
    // The attempt may still land after the deadline; a retry with the same event ids is then
    // recognized as the same append, so reporting it as unavailable is safe.
    const attempt = this.appendWithRetries(streamId, events, options).catch((thrown: unknown) => E.left(toStoreError(thrown, streamId)));
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async appendWithRetries(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const expiresAt = Date.now() + this.appendDeadlineMs;
    let outcome: E.Either<StoreError, AppendResult> | 'moved' = E.left(storeUnavailable(`append to ${streamId}: not attempted`));
    // Once the caller has been told the store is unavailable, no further attempt is made.
    for (let attempt = 1; attempt <= this.maxAppendAttempts && Date.now() < expiresAt; attempt += 1) {
      outcome = await this.appendOnce(streamId, events, options);
      if (outcome === 'moved') continue;
      // A channel being replaced after a drop fails the first calls on it; retrying is safe, as a
      // batch that did land is recognized by its event ids. The deadline bounds the whole.
      if (E.isLeft(outcome) && outcome.left.code === 'StoreUnavailable' && attempt < this.maxAppendAttempts) {
        await sleep(50 * attempt);
        continue;
      }
      return outcome;
    }
    return outcome === 'moved'
      ? E.left(storeUnavailable(`append to ${streamId}: other writers kept moving the stream; ${this.maxAppendAttempts} attempts made`))
      : outcome;
  }

  /** One read-seal-write round; `moved` when another writer got in between the read and the write. */
  private async appendOnce(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult> | 'moved'> {
    const expected = options.expectedRevision;
    const head = await this.readHead(streamId);
    if (E.isLeft(head)) return head;
    const current = head.right.revision;

    const retried = await this.findRetry(streamId, events, expected, current);
    if (retried !== undefined) return retried;
    const conflict = checkExpectedRevision(streamId, expected, current);
    if (conflict !== undefined) return E.left(conflict);

    const sealed = sealEvents(streamId, current + 1, head.right.hash, events, this.clock().toISOString());
    const expectedRevision: AppendExpectedRevision = current < 0 ? NO_STREAM : BigInt(current);
    try {
      await this.client.appendToStream(streamId, sealed.map(toEventData), { expectedRevision, deadline: this.appendDeadlineMs });
    } catch (thrown) {
      if (thrown instanceof WrongExpectedVersionError) return 'moved';
      if (isStreamDeleted(thrown)) return E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB`));
      return E.left(toStoreError(thrown));
    }
    // Read the events back for their positions in $all, which the append answer gives only for the last.
    const stored = await collect(this.readStream(streamId, { from: current + 1, maxCount: events.length }));
    if (E.isLeft(stored)) return stored;
    return E.right({ nextExpectedRevision: current + events.length, events: stored.right });
  }

  /**
   * A retried append: the batch's ids are already stored right after the expected revision (or
   * anywhere in the stream for `any` and `streamExists`). Returns the stored events, a conflict
   * when the stream moved for another reason, or undefined when the batch is new.
   */
  private async findRetry(
    streamId: string,
    events: readonly EventToAppend[],
    expected: AppendOptions['expectedRevision'],
    current: number,
  ): Promise<E.Either<StoreError, AppendResult> | undefined> {
    if (current < 0) return undefined;
    const exact = expected === 'noStream' ? -1 : expected;
    let window: RecordedEvent[];
    if (typeof exact === 'number') {
      if (current <= exact) return undefined;
      const read = await collect(this.readStream(streamId, { from: exact + 1, maxCount: events.length }));
      if (E.isLeft(read)) return read;
      // Pad so that the window sits at its revisions, as the shared rule indexes by revision.
      window = [...(Array.from({ length: exact + 1 }) as RecordedEvent[]), ...read.right];
    } else {
      const read = await collect(this.readStream(streamId));
      if (E.isLeft(read)) return read;
      window = read.right;
    }
    const matched = findIdempotentAppend(window, events, expected);
    if (matched === undefined) return undefined;
    return matched.length === events.length
      ? E.right({ nextExpectedRevision: current, events: matched })
      : E.left(concurrencyConflict(streamId, expected, current));
  }

  /** The stream's last revision and hash, read backwards: what the next event chains onto. */
  private async readHead(streamId: string): Promise<E.Either<StoreError, StreamHead>> {
    try {
      const last: ResolvedEvent[] = [];
      // Read to the end (one event) rather than leave the call half-read.
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) last.push(resolved);
      const event = last[0]?.event;
      if (event === undefined) return E.right({ revision: -1, hash: GENESIS_HASH });
      const decoded = decodeEvent(event);
      if (E.isLeft(decoded)) return decoded;
      return E.right({ revision: decoded.right.revision, hash: decoded.right.metadata.hash });
    } catch (thrown) {
      const error = toStoreError(thrown, streamId);
      if (isStreamDeleted(thrown)) return E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB`));
      return error.code === 'StreamNotFound' ? E.right({ revision: -1, hash: GENESIS_HASH }) : E.left(error);
    }
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    if (options.maxCount === 0) return;
    const reading = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: from === 'start' ? START : from === 'end' ? END : BigInt(from),
      maxCount: options.maxCount ?? MAX_COUNT,
    });
    let completed = false;
    try {
      for await (const resolved of reading as AsyncIterable<ResolvedEvent>) {
        if (resolved.event === undefined) continue;
        const decoded = decodeEvent(resolved.event);
        if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
        yield decoded.right;
      }
      completed = true;
    } catch (thrown) {
      if (isStoreFailure(thrown)) throw thrown;
      throw new StoreFailure(toStoreError(thrown, streamId));
    } finally {
      // A reader that stops early leaves the call open on the server; cancel it.
      if (!completed) await reading.cancel().catch(() => undefined);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    if (options.maxCount === 0) return;
    const filtered = options.filter?.streamPrefixes !== undefined || options.filter?.eventTypes !== undefined;
    yield* filtered ? this.readAllFiltered(options) : this.readAllPaged(options);
  }

  /** Pages through `$all`; a read from a position includes the event there, so it is skipped. */
  private async *readAllPaged(options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
    let after = options.after;
    let remaining = options.maxCount ?? MAX_COUNT;
    let pending: StreamingRead<AllStreamResolvedEvent> | undefined;
    try {
      while (remaining > 0) {
        let seen = 0;
        let last: bigint | undefined;
        const page = this.client.readAll({ fromPosition: after === undefined ? START : fromGlobalPosition(after), maxCount: this.pageSize });
        pending = page;
        for await (const resolved of page) {
          seen += 1;
          const event = resolved.event;
          if (event?.position === undefined) continue;
          const position = toGlobalPosition(event.position);
          last = position;
          if ((after !== undefined && position <= after) || isSystemEvent(event)) continue;
          const decoded = decodeEvent(event);
          if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
          if (!matchesFilter(options.filter, decoded.right.streamId, decoded.right.type)) continue;
          yield decoded.right;
          remaining -= 1;
          if (remaining === 0) return;
        }
        pending = undefined;
        if (seen < this.pageSize || last === undefined) return;
        after = last;
      }
    } catch (thrown) {
      if (isStoreFailure(thrown)) throw thrown;
      throw new StoreFailure(toStoreError(thrown));
    } finally {
      await pending?.cancel().catch(() => undefined);
    }
  }

  /**
   * A filtered read runs on the server: the client's reads of `$all` take no filter, so this is a
   * filtered catch-up subscription that ends where the server reports it has caught up.
   */
  private async *readAllFiltered(options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
    const { subscription, items } = openAllSubscription(this.client, options.after, options.filter);
    let remaining = options.maxCount ?? MAX_COUNT;
    try {
      for await (const item of items) {
        if (isCaughtUpMarker(item)) return;
        const event = item.event;
        if (event === undefined || isSystemEvent(event)) continue;
        const decoded = decodeEvent(event);
        if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
        if (!matchesFilter(options.filter, decoded.right.streamId, decoded.right.type)) continue;
        yield decoded.right;
        remaining -= 1;
        if (remaining === 0) return;
      }
      throw new StoreFailure(storeUnavailable('EventStoreDB ended a filtered read before it caught up'));
    } catch (thrown) {
      if (isStoreFailure(thrown)) throw thrown;
      throw new StoreFailure(toStoreError(thrown));
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const subscription = resubscribingSubscription(
      (after) => openAllSubscription(this.client, after, options.filter),
      { ...options, ...this.resubscribe },
    );
    this.subscriptions.add(subscription);
    return {
      caughtUp: subscription.caughtUp,
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    await this.client.dispose();
    // Let cancelled calls settle before the channel is dropped with the client.
    await sleep(0);
  }
}
