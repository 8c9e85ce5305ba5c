import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  SubscribeOptions,
  Subscription,
} from '@aftersales/core';
import { StoreFailure, collect, concurrencyConflict, invalidAppend, isStoreFailure, storeUnavailable } from '@aftersales/core';
import { GENESIS_HASH, checkExpectedRevision, findIdempotentAppend, matchesFilter, sealEvents, validateBatch } from '@aftersales/core/adapter-kit';
import type { SealedEvent } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { AnyClient, ClientChoice, ConfigurationError, Position, StreamsClient, WireEvent, WireExpectedRevision, WireResolvedEvent } from './client.js';
import { openStreamsClient, toStreamsClient } from './client.js';
import { decodeEvent, isLibraryEvent, isSystemEvent, metadataToWrite, toEventData } from './codec.js';
import { isCaughtUpMarker, openAllSubscription, serverFilter } from './client-subscription.js';
import { isNotLeader, isStreamDeleted, isWrongExpectedVersion, toStoreError } from './errors.js';
import { fromGlobalPosition, logBytesBetween, toGlobalPosition } from './position.js';
import { CHECKPOINT_STREAM_PREFIX } from './projection-store.js';
import { SETTINGS_STREAM } from './store-settings.js';
import type { ResubscribeOptions } from './subscription.js';
import { resubscribingSubscription } from './subscription.js';
import { checkServerVersion } from './server-version.js';

export const CONNECTION_STRING_VARIABLE = 'EVENTSTORE_CONNECTION_STRING';

export type { ConfigurationError } from './client.js';

export interface EventStoreDBEventStoreOptions {
  /** How long an append may take, connection included, before it returns `StoreUnavailable` (default 5 000 ms). */
  readonly appendDeadlineMs?: number;
  /**
   * With `expectedRevision` `any` or `streamExists`, the append is sent at the exact revision it read
   * (the hash chain needs it); when another writer gets in between, or the connection is being
   * re-established, it reads and tries again, this many times at most (default 5).
   */
  readonly maxAppendAttempts?: number;
  /**
   * How far the server's clock may run ahead of this machine's (default 60 000 ms). BatchAppend sends
   * its deadline as a point in time, which the server compares with its own clock; the deadline sent
   * is `appendDeadlineMs` plus this, while the adapter still gives up after `appendDeadlineMs`.
   */
  readonly clockSkewToleranceMs?: number;
  /** Events per page when reading `$all` (default 1 000). */
  readonly pageSize?: number;
  /** The clock behind `recordedAt` (default: the system clock). */
  readonly clock?: () => Date;
  /** Backoff of a live subscription that lost its connection. */
  readonly resubscribe?: ResubscribeOptions;
  /**
   * The application's stream prefixes (e.g. `RepairOrder-`, `Budget-`). When given, `readAll` and
   * subscriptions ask the server for these streams only, so other applications' events sharing the
   * database never cross the network, and an event in these streams that does not decode is
   * reported. Without it, events that do not carry the library's hash chain are passed over.
   */
  readonly streamPrefixes?: readonly string[];
  /** The client package: `eventstore` (`@eventstore/db-client` 6.x) or `kurrent` (`@kurrent/kurrentdb-client` 1.x); by default the connection string's scheme decides. */
  readonly client?: ClientChoice;
}

interface StreamHead {
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly hash: string;
}

interface RememberedHead extends StreamHead {
  /** Read back from the server, rather than only sealed and sent. */
  readonly confirmed: boolean;
}

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** The adapter's own streams, which `$all` readers leave out: projection checkpoints and the log's settings. */
const ADAPTER_STREAM_PREFIXES = [CHECKPOINT_STREAM_PREFIX, SETTINGS_STREAM];
/** Heads remembered per store; the oldest is forgotten first. */
const HEAD_CACHE_SIZE = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Sent = E.Either<StoreError, { readonly position: Position | undefined }> | 'moved';

/**
 * The event-store port on EventStoreDB and KurrentDB, through either official client (see
 * `client.ts`). Streams keep the server's own revisions (from 0); `$all` positions become one
 * ordered bigint (see `position.ts`); metadata is JSON that the server's tools read
 * (`$correlationId`, `$causationId`). Every write and every read an append depends on requires the
 * leader, so a follower sends the client on to it instead of answering stale.
 */
export class EventStoreDBEventStore implements EventStore {
  readonly dbSystem = 'eventstoredb';
  readonly client: StreamsClient;
  private readonly appendDeadlineMs: number;
  private readonly maxAppendAttempts: number;
  private readonly clockSkewToleranceMs: number;
  private readonly pageSize: number;
  private readonly clock: () => Date;
  private readonly resubscribe: ResubscribeOptions;
  private readonly streamPrefixes: readonly string[] | undefined;
  private readonly subscriptions = new Set<Subscription>();
  /**
   * The last (revision, hash) of streams this store appended to or read the head of, and whether
   * that hash was seen stored: an append sent at a confirmed head needs no head read (see `appendOnce`).
   */
  private readonly heads = new Map<string, RememberedHead>();
  /** Appends under way per stream: while one is, its outcome is unknown and the remembered head is not used. */
  private readonly appending = new Map<string, number>();
  private supported: Promise<StoreError | undefined> | undefined;

  constructor(client: AnyClient, options: EventStoreDBEventStoreOptions = {}) {
    this.client = toStreamsClient(client);
    this.appendDeadlineMs = options.appendDeadlineMs ?? 5_000;
    this.maxAppendAttempts = options.maxAppendAttempts ?? 5;
    this.clockSkewToleranceMs = options.clockSkewToleranceMs ?? 60_000;
    this.pageSize = options.pageSize ?? 1_000;
    this.clock = options.clock ?? (() => new Date());
    this.resubscribe = options.resubscribe ?? {};
    this.streamPrefixes = options.streamPrefixes;
  }

  /**
   * A store on the server the connection string names: `esdb://host:2113?tls=false`,
   * `esdb+discover://…` through `@eventstore/db-client`, `kurrentdb://…` through
   * `@kurrent/kurrentdb-client` (or as `options.client` says). The package is loaded now, and must be installed.
   */
  static fromConnectionString(
    connectionString: string,
    options: EventStoreDBEventStoreOptions = {},
  ): E.Either<ConfigurationError, EventStoreDBEventStore> {
    if (/[?&]throwOnAppendFailure=false(&|$)/i.test(connectionString)) {
      return E.left({
        code: 'InvalidConfiguration',
        message: 'throwOnAppendFailure=false is not supported: a refused append must not look like a stored one; remove it from the connection string',
      });
    }
    const client = openStreamsClient(connectionString, options.client);
    return E.isLeft(client) ? client : E.right(new EventStoreDBEventStore(client.right, options));
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

  /**
   * Whether the server is one this adapter supports (23.10 or later), asked once per store when it
   * first talks to the server; a failure to ask is not remembered, so it is asked again.
   */
  private checkServer(): Promise<StoreError | undefined> {
    if (this.supported === undefined) {
      const asked = checkServerVersion(this.client);
      this.supported = asked;
      void asked.then((refusal) => {
        if (refusal?.code === 'StoreUnavailable') this.supported = undefined;
      });
    }
    return this.supported;
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
    // recognized as the same append (by a head read, as the head is forgotten), so reporting it as
    // unavailable is safe.
    this.appending.set(streamId, (this.appending.get(streamId) ?? 0) + 1);
    const attempt = this.appendWithRetries(streamId, events, options)
      .catch((thrown: unknown) => E.left(isStoreFailure(thrown) ? thrown.error : toStoreError(thrown, streamId)))
      .then((outcome) => {
        if (E.isLeft(outcome)) this.heads.delete(streamId);
        return outcome;
      })
      .finally(() => {
        const left = (this.appending.get(streamId) ?? 1) - 1;
        if (left === 0) this.appending.delete(streamId);
        else this.appending.set(streamId, left);
      });
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
    const refused = await this.checkServer();
    if (refused !== undefined) return E.left(refused);
    const expiresAt = Date.now() + this.appendDeadlineMs;
    let outcome: E.Either<StoreError, AppendResult> | 'moved' = E.left(storeUnavailable(`append to ${streamId}: not attempted`));
    // Once the caller has been told the store is unavailable, no further attempt is made.
    for (let attempt = 1; attempt <= this.maxAppendAttempts && Date.now() < expiresAt; attempt += 1) {
      outcome = await this.appendOnce(streamId, events, options);
      if (outcome === 'moved') continue;
      // A channel being replaced after a drop, or a follower naming the leader, fails the first
      // calls; retrying is safe, as a batch that did land is recognized by its event ids.
      if (E.isLeft(outcome) && outcome.left.code === 'StoreUnavailable' && attempt < this.maxAppendAttempts) {
        await sleep(isNotLeader(outcome.left.cause) ? 5 : 50 * attempt);
        continue;
      }
      return outcome;
    }
    return outcome === 'moved'
      ? E.left(storeUnavailable(`append to ${streamId}: other writers kept moving the stream; ${this.maxAppendAttempts} attempts made`))
      : outcome;
  }

  /**
   * One round: on a stream whose head this store knows, the batch is sealed onto it and sent at its
   * revision, and the server's expected-revision check confirms the head (one round trip); otherwise,
   * or when the server says the stream moved, the head is read first. `moved` when another writer
   * got in between the read and the write.
   *
   * A remembered head is used only once a read saw its hash stored, while no other append of this
   * store to the stream is under way, and as long as none failed: the server answers a batch whose
   * ids are already stored after the expected revision with success (another process sent the same
   * command first), and a batch sealed by this store would then be remembered with a hash the
   * server does not hold. An append confirms nothing by itself; the next load of the stream (the
   * command handler's) or a head read does. After any doubt the head is read again.
   */
  private async appendOnce(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult> | 'moved'> {
    const expected = options.expectedRevision;
    const remembered = this.heads.get(streamId);
    const cached = remembered?.confirmed === true && (this.appending.get(streamId) ?? 0) <= 1 ? remembered : undefined;
    if (cached !== undefined && (expected === 'any' || expected === 'streamExists' || expected === cached.revision)) {
      const written = await this.sealAndSend(streamId, events, cached);
      if (written !== 'moved') return written;
      this.heads.delete(streamId);
    }
    const head = await this.readHead(streamId);
    if (E.isLeft(head)) return head;
    const current = head.right.revision;
    const retried = await this.findRetry(streamId, events, expected, current);
    if (retried !== undefined) return retried;
    const conflict = checkExpectedRevision(streamId, expected, current);
    if (conflict !== undefined) return E.left(conflict);
    return this.sealAndSend(streamId, events, head.right);
  }

  private async sealAndSend(streamId: string, events: readonly EventToAppend[], head: StreamHead): Promise<E.Either<StoreError, AppendResult> | 'moved'> {
    const sealed = sealEvents(streamId, head.revision + 1, head.hash, events, this.clock().toISOString());
    const sent = await this.send(streamId, sealed, head.revision < 0 ? 'no_stream' : BigInt(head.revision));
    if (sent === 'moved' || E.isLeft(sent)) return sent;
    const last = sealed[sealed.length - 1]!;
    this.remember(streamId, { revision: last.revision, hash: last.metadata.hash, confirmed: false });
    const stored = await this.storedEvents(streamId, sealed, sent.right.position);
    return E.isLeft(stored) ? stored : E.right({ nextExpectedRevision: last.revision, events: stored.right });
  }

  private async send(streamId: string, sealed: readonly SealedEvent[], expectedRevision: WireExpectedRevision): Promise<Sent> {
    try {
      const answer = await this.client.append(streamId, sealed.map(toEventData), {
        expectedRevision,
        deadline: this.appendDeadlineMs + this.clockSkewToleranceMs,
      });
      // With throwOnAppendFailure=false a wrong expected revision is an answer, not an error.
      if (!answer.success) return 'moved';
      return E.right({ position: answer.position });
    } catch (thrown) {
      if (isWrongExpectedVersion(thrown)) return 'moved';
      if (isStreamDeleted(thrown)) return E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB`));
      return E.left(toStoreError(thrown, streamId));
    }
  }

  /**
   * The batch as stored. A single event's `$all` position is the one the append answered with, so
   * it is decoded from what was sent, as a read would decode it; a longer batch is read back, as the
   * answer gives only the last event's position.
   */
  private async storedEvents(streamId: string, sealed: readonly SealedEvent[], position: Position | undefined): Promise<E.Either<StoreError, RecordedEvent[]>> {
    const only = sealed.length === 1 ? sealed[0] : undefined;
    if (only !== undefined && position !== undefined) {
      const decoded = decodeEvent({
        streamId,
        id: only.eventId,
        isJson: true,
        revision: BigInt(only.revision),
        type: only.type,
        data: JSON.parse(JSON.stringify(only.data ?? null)),
        metadata: JSON.parse(JSON.stringify(metadataToWrite(only))),
        position,
      });
      return E.isLeft(decoded) ? decoded : E.right([decoded.right]);
    }
    return collect(this.readStreamAt(streamId, { from: sealed[0]!.revision, maxCount: sealed.length }, true));
  }

  /** A read saw the event at the remembered head: the head is confirmed, or forgotten if the hashes differ. */
  private confirm(event: RecordedEvent): void {
    const remembered = this.heads.get(event.streamId);
    if (remembered === undefined || remembered.revision !== event.revision || remembered.confirmed) return;
    if (remembered.hash === event.metadata.hash) this.heads.set(event.streamId, { ...remembered, confirmed: true });
    else this.heads.delete(event.streamId);
  }

  private remember(streamId: string, head: RememberedHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) this.heads.delete(this.heads.keys().next().value!);
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
      const read = await collect(this.readStreamAt(streamId, { from: exact + 1, maxCount: events.length }, true));
      if (E.isLeft(read)) return read;
      // Pad so that the window sits at its revisions, as the shared rule indexes by revision.
      window = [...(Array.from({ length: exact + 1 }) as RecordedEvent[]), ...read.right];
    } else {
      const read = await collect(this.readStreamAt(streamId, {}, true));
      if (E.isLeft(read)) return read;
      window = read.right;
    }
    const matched = findIdempotentAppend(window, events, expected);
    if (matched === undefined) return undefined;
    return matched.length === events.length
      ? E.right({ nextExpectedRevision: current, events: matched })
      : E.left(concurrencyConflict(streamId, expected, current));
  }

  /**
   * The stream's last revision and hash, read backwards from the leader: what the next event chains
   * onto. The server can hide a stream's last events (a soft delete's `$tb`, `$maxAge`, `$maxCount` 0)
   * while it goes on numbering after them, so a chain sealed from what is visible would break: such
   * a stream is reported, not appended to.
   */
  private async readHead(streamId: string): Promise<E.Either<StoreError, StreamHead>> {
    let last: WireResolvedEvent | undefined;
    try {
      // Read to the end (one event) rather than leave the call half-read.
      for await (const resolved of this.client.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true })) {
        last = resolved;
      }
    } catch (thrown) {
      if (isStreamDeleted(thrown)) return E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB`));
      const error = toStoreError(thrown, streamId);
      if (error.code !== 'StreamNotFound') return E.left(error);
      const softDeleted = await this.truncatedBefore(streamId);
      if (E.isLeft(softDeleted)) return softDeleted;
      return softDeleted.right === undefined
        ? E.right({ revision: -1, hash: GENESIS_HASH })
        : E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB ($tb ${softDeleted.right}): the server would number new events after the hidden ones, which the hash chain cannot follow`));
    }
    const event = last?.event;
    if (event === undefined) {
      return E.left(invalidAppend(`stream ${streamId} exists in EventStoreDB but its last events are hidden ($maxAge or $maxCount): the hash chain cannot continue from them`));
    }
    const decoded = decodeEvent(event);
    if (E.isLeft(decoded)) return decoded;
    const head = { revision: decoded.right.revision, hash: decoded.right.metadata.hash };
    this.remember(streamId, { ...head, confirmed: true });
    return E.right(head);
  }

  /** The `$tb` of a stream the server reports as not found: set when it was soft-deleted. */
  private async truncatedBefore(streamId: string): Promise<E.Either<StoreError, number | undefined>> {
    const metadataStream = `$$${streamId}`;
    try {
      let data: unknown;
      for await (const resolved of this.client.readStream(metadataStream, { direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true })) {
        data = resolved.event?.data;
      }
      const truncateBefore: unknown = typeof data === 'object' && data !== null ? Reflect.get(data, '$tb') : undefined;
      return E.right(typeof truncateBefore === 'number' && truncateBefore > 0 ? truncateBefore : undefined);
    } catch (thrown) {
      const error = toStoreError(thrown, metadataStream);
      return error.code === 'StreamNotFound' ? E.right(undefined) : E.left(error);
    }
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    return this.readStreamAt(streamId, options, false);
  }

  private async *readStreamAt(streamId: string, options: ReadStreamOptions, requiresLeader: boolean): AsyncGenerator<RecordedEvent> {
    const refused = await this.checkServer();
    if (refused !== undefined) throw new StoreFailure(refused);
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    if (options.maxCount === 0) return;
    const reading = this.client.readStream(streamId, {
      direction: backwards ? 'backwards' : 'forwards',
      fromRevision: from === 'start' ? 'start' : from === 'end' ? 'end' : BigInt(from),
      maxCount: options.maxCount ?? MAX_COUNT,
      requiresLeader,
    });
    let completed = false;
    try {
      for await (const resolved of reading) {
        if (resolved.event === undefined) continue;
        const decoded = decodeEvent(resolved.event);
        if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
        this.confirm(decoded.right);
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

  /**
   * How `$all` readers take an event: the server's records (`$` streams and types), the adapter's
   * own streams and other applications' events are passed over; the library's own are decoded.
   */
  private takeFromAll = (event: WireEvent): E.Either<StoreError, RecordedEvent | undefined> => {
    if (isSystemEvent(event) || ADAPTER_STREAM_PREFIXES.some((prefix) => event.streamId.startsWith(prefix))) return E.right(undefined);
    if (this.streamPrefixes === undefined) return isLibraryEvent(event) ? decodeEvent(event) : E.right(undefined);
    // In the application's own streams every event must be the library's: one that is not is
    // reported, as it may be a library event whose chain fields were stripped.
    return this.streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)) ? decodeEvent(event) : E.right(undefined);
  };

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const refused = await this.checkServer();
    if (refused !== undefined) throw new StoreFailure(refused);
    if (options.maxCount === 0) return;
    const filtered = options.filter?.streamPrefixes !== undefined || options.filter?.eventTypes !== undefined || this.streamPrefixes !== undefined;
    yield* filtered ? this.readAllFiltered(options) : this.readAllPaged(options);
  }

  /** Pages through `$all`; a read from a position includes the event there, so it is skipped. */
  private async *readAllPaged(options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
    let after = options.after;
    let remaining = options.maxCount ?? MAX_COUNT;
    let pending: { cancel(): Promise<void> } | undefined;
    try {
      while (remaining > 0) {
        let seen = 0;
        let last: bigint | undefined;
        const page = this.client.readAll({ fromPosition: after === undefined ? 'start' : fromGlobalPosition(after), maxCount: this.pageSize });
        pending = page;
        for await (const resolved of page) {
          seen += 1;
          const event = resolved.event;
          if (event?.position === undefined) continue;
          const position = toGlobalPosition(event.position);
          last = position;
          if (after !== undefined && position <= after) continue;
          const taken = this.takeFromAll(event);
          if (E.isLeft(taken)) throw new StoreFailure(taken.left);
          if (taken.right === undefined || !matchesFilter(options.filter, taken.right.streamId, taken.right.type)) continue;
          yield taken.right;
          remaining -= 1;
          if (remaining === 0) return;
        }
        pending = undefined;
        if (seen < this.pageSize || last === undefined) return;
        after = last;
      }
    } catch (thrown) {
      if (isStoreFailure(thrown)) throw thrown;
      throw new StoreFailure(toStoreError(thrown, '$all'));
    } finally {
      await pending?.cancel().catch(() => undefined);
    }
  }

  private wireFilter(filter: EventFilter | undefined) {
    return serverFilter(filter, this.streamPrefixes, ADAPTER_STREAM_PREFIXES);
  }

  /**
   * A filtered read runs on the server: the 6.x client's reads of `$all` take no filter, so this is
   * a filtered catch-up subscription that ends where the server reports it has caught up.
   */
  private async *readAllFiltered(options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
    const { subscription, items } = openAllSubscription(this.client, options.after, this.wireFilter(options.filter));
    let remaining = options.maxCount ?? MAX_COUNT;
    try {
      for await (const item of items) {
        if (isCaughtUpMarker(item)) return;
        const event = item.event;
        if (event === undefined) continue;
        const taken = this.takeFromAll(event);
        if (E.isLeft(taken)) throw new StoreFailure(taken.left);
        if (taken.right === undefined || !matchesFilter(options.filter, taken.right.streamId, taken.right.type)) continue;
        yield taken.right;
        remaining -= 1;
        if (remaining === 0) return;
      }
      throw new StoreFailure(storeUnavailable('EventStoreDB ended a filtered read before it caught up'));
    } catch (thrown) {
      if (isStoreFailure(thrown)) throw thrown;
      throw new StoreFailure(toStoreError(thrown, '$all'));
    } finally {
      await subscription.unsubscribe().catch(() => undefined);
    }
  }

  /**
   * The position of the last record in `$all`, whoever wrote it (other applications, the server
   * itself). `positionsBetween` measures lag against it in bytes of the transaction log.
   */
  async headPosition(): Promise<bigint | undefined> {
    const read = this.client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    try {
      for await (const resolved of read) if (resolved.event?.position !== undefined) return toGlobalPosition(resolved.event.position);
      return undefined;
    } catch (thrown) {
      throw new StoreFailure(toStoreError(thrown, '$all'));
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  positionsBetween(from: bigint | undefined, to: bigint): number {
    return logBytesBetween(from, to);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const filter = this.wireFilter(options.filter);
    const subscription = resubscribingSubscription((after) => openAllSubscription(this.client, after, filter), this.takeFromAll, {
      ...options,
      ...this.resubscribe,
      ready: () => this.checkServer(),
    });
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

