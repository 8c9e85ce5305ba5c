import type { AppendOptions, AppendResult, EventToAppend, ReadStreamOptions, RecordedEvent, StoreError } from '@aftersales/core';
import { collect, concurrencyConflict, invalidAppend, isStoreFailure, storeUnavailable } from '@aftersales/core';
import { checkExpectedRevision, findIdempotentAppend, sealEvents, validateBatch } from '@aftersales/core/adapter-kit';
import type { SealedEvent } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { Position, StreamsClient, WireExpectedRevision } from './client.js';
import { decodeEvent, metadataToWrite, toEventData } from './codec.js';
import { isNotLeader, isStreamDeleted, isWrongExpectedVersion, toStoreError } from './errors.js';
import type { StreamHead } from './stream-head.js';
import { newStreamHead, readHead } from './stream-head.js';

/** Heads remembered per store; the oldest is forgotten first. */
const HEAD_CACHE_SIZE = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type Sent = E.Either<StoreError, { readonly position: Position | undefined }> | 'moved';

export interface AppendSettings {
  readonly appendDeadlineMs: number;
  readonly maxAppendAttempts: number;
  readonly clockSkewToleranceMs: number;
  readonly clock: () => Date;
}

/**
 * The append path of `EventStoreDBEventStore`: the hash chain sealed onto the stream's head (the
 * one remembered, the caller's, or read), the append sent at that exact revision, retried appends
 * recognized by their ids, and the deadline and retries around it all.
 */
export class StreamAppender {
  /**
   * The last (revision, hash) of streams this store appended to or read the head of. Each is true of
   * the stream for good (a revision's event never changes), so an append sent at one needs no head
   * read: the server's expected-revision check tells whether it is still the head (see `appendOnce`).
   */
  private readonly heads = new Map<string, StreamHead>();

  constructor(
    private readonly client: StreamsClient,
    private readonly settings: AppendSettings,
    /** Whether the server may be used (its version), asked before the first call. */
    private readonly ready: () => Promise<StoreError | undefined>,
    /** Reads a stream from the leader, decoded. */
    private readonly readFromLeader: (streamId: string, options: ReadStreamOptions) => AsyncGenerator<RecordedEvent>,
  ) {}

  async append(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const invalid = validateBatch(streamId, events);
    if (invalid !== undefined) return E.left(invalidAppend(invalid));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<E.Either<StoreError, AppendResult>>((resolve) => {
      timer = setTimeout(
        () => resolve(E.left(storeUnavailable(`append to ${streamId}: no answer from EventStoreDB within ${this.settings.appendDeadlineMs} ms`))),
        this.settings.appendDeadlineMs,
      );
    });
    // The attempt may still land after the deadline; a retry with the same event ids is then
    // recognized as the same append (the server refuses the stale revision, and the head read and
    // the window after it find the ids), so reporting it as unavailable is safe.
    const attempt = this.appendWithRetries(streamId, events, options).catch((thrown: unknown) =>
      E.left(isStoreFailure(thrown) ? thrown.error : toStoreError(thrown, streamId)),
    );
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
    const refused = await this.ready();
    if (refused !== undefined) return E.left(refused);
    const expiresAt = Date.now() + this.settings.appendDeadlineMs;
    // One `recordedAt` for every attempt: an attempt made again on the same head seals the very same
    // batch, which the server answers idempotently if the first one landed.
    const recordedAt = this.settings.clock().toISOString();
    let outcome: E.Either<StoreError, AppendResult> | 'moved' = E.left(storeUnavailable(`append to ${streamId}: not attempted`));
    // Once the caller has been told the store is unavailable, no further attempt is made.
    for (let attempt = 1; attempt <= this.settings.maxAppendAttempts && Date.now() < expiresAt; attempt += 1) {
      outcome = await this.appendOnce(streamId, events, options, recordedAt);
      if (outcome === 'moved') continue;
      // A channel being replaced after a drop, or a follower naming the leader, fails the first
      // calls; retrying is safe, as a batch that did land is recognized by its event ids.
      if (E.isLeft(outcome) && outcome.left.code === 'StoreUnavailable' && attempt < this.settings.maxAppendAttempts) {
        await sleep(isNotLeader(outcome.left.cause) ? 5 : 50 * attempt);
        continue;
      }
      return outcome;
    }
    return outcome === 'moved'
      ? E.left(storeUnavailable(`append to ${streamId}: other writers kept moving the stream; ${this.settings.maxAppendAttempts} attempts made`))
      : outcome;
  }

  /**
   * One round: an append at an exact revision whose head this store knows (it appended there or read
   * it) or the caller knows (`expectedHash`) is sealed onto that head and sent at its revision, and
   * the server's expected-revision check confirms the head: one round trip. Otherwise, or when the
   * server says the stream moved, the head is read first. `moved` when another writer got in between
   * the read and the write.
   *
   * Trusting the head an append leaves is safe because the id the server stores an event under is
   * derived from the event's hash (see `toEventData`): the server answers a batch as already stored
   * only when it holds the very same sealed events, hashes included. The same command sealed by
   * another process (another `recordedAt`) carries other server ids, so the server refuses it at the
   * revision it was sealed for, and the retry below finds the stored events by the library's ids.
   * `any` and `streamExists` always read: they are idempotent on ids anywhere in the stream.
   */
  private async appendOnce(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
    recordedAt: string,
  ): Promise<E.Either<StoreError, AppendResult> | 'moved'> {
    const expected = options.expectedRevision;
    const known = expected === 'noStream' ? await newStreamHead(this.client, streamId) : typeof expected === 'number' ? this.knownHead(streamId, expected, options.expectedHash) : undefined;
    if (known !== undefined && E.isLeft(known)) return known;
    if (known !== undefined) {
      const written = await this.sealAndSend(streamId, events, known.right, recordedAt);
      if (written !== 'moved') return written;
      this.heads.delete(streamId);
    }
    const head = await readHead(this.client, streamId);
    if (E.isLeft(head)) return head;
    this.remember(streamId, head.right);
    const current = head.right.revision;
    const retried = await this.findRetry(streamId, events, expected, current);
    if (retried !== undefined) return retried;
    const conflict = checkExpectedRevision(streamId, expected, current);
    if (conflict !== undefined) return E.left(conflict);
    return this.sealAndSend(streamId, events, head.right, recordedAt);
  }

  /** The head at `revision` as this store remembers it, or as the caller read it from this store. */
  private knownHead(streamId: string, revision: number, expectedHash: string | undefined): E.Either<StoreError, StreamHead> | undefined {
    const remembered = this.heads.get(streamId);
    if (remembered?.revision === revision) return E.right(remembered);
    return revision >= 0 && expectedHash !== undefined ? E.right({ revision, hash: expectedHash }) : undefined;
  }

  private async sealAndSend(
    streamId: string,
    events: readonly EventToAppend[],
    head: StreamHead,
    recordedAt: string,
  ): Promise<E.Either<StoreError, AppendResult> | 'moved'> {
    const sealed = sealEvents(streamId, head.revision + 1, head.hash, events, recordedAt);
    const sent = await this.send(streamId, sealed, head.revision < 0 ? 'no_stream' : BigInt(head.revision));
    if (sent === 'moved' || E.isLeft(sent)) return sent;
    const last = sealed[sealed.length - 1]!;
    this.remember(streamId, { revision: last.revision, hash: last.metadata.hash });
    const stored = await this.storedEvents(streamId, sealed, sent.right.position);
    return E.isLeft(stored) ? stored : E.right({ nextExpectedRevision: last.revision, events: stored.right });
  }

  private async send(streamId: string, sealed: readonly SealedEvent[], expectedRevision: WireExpectedRevision): Promise<Sent> {
    try {
      const answer = await this.client.append(streamId, sealed.map(toEventData), {
        expectedRevision,
        deadline: this.settings.appendDeadlineMs + this.settings.clockSkewToleranceMs,
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
    return collect(this.readFromLeader(streamId, { from: sealed[0]!.revision, maxCount: sealed.length }));
  }

  private remember(streamId: string, head: StreamHead): void {
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
      const read = await collect(this.readFromLeader(streamId, { from: exact + 1, maxCount: events.length }));
      if (E.isLeft(read)) return read;
      // Pad so that the window sits at its revisions, as the shared rule indexes by revision.
      window = [...(Array.from({ length: exact + 1 }) as RecordedEvent[]), ...read.right];
    } else {
      const read = await collect(this.readFromLeader(streamId, {}));
      if (E.isLeft(read)) return read;
      window = read.right;
    }
    const matched = findIdempotentAppend(window, events, expected);
    if (matched === undefined) return undefined;
    return matched.length === events.length
      ? E.right({ nextExpectedRevision: current, events: matched })
      : E.left(concurrencyConflict(streamId, expected, current));
  }
}
