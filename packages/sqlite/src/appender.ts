import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { AppendOptions, AppendResult, EventToAppend, ExpectedRevision, RecordedEvent, StoreError } from '@aftersales/core';
import { StoreFailure, concurrencyConflict, corruptedEvent, invalidAppend, isStoreFailure, storeUnavailable } from '@aftersales/core';
import { GENESIS_HASH, checkExpectedRevision, sealEvents } from '@aftersales/core/adapter-kit';
import type { Connection } from './database.js';
import { describeThrown, unavailable } from './database.js';
import type { Statements } from './event-rows.js';
import { decodeEventRow, parseJson } from './event-rows.js';

type AppendOutcome = E.Either<StoreError, AppendResult>;

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly options: AppendOptions;
  readonly settle: (result: AppendOutcome) => void;
}

/** What the appender needs of its store. */
export interface AppenderContext {
  readonly clock: () => Date;
  readonly busyTimeoutMs: number;
  readonly isClosed: () => boolean;
  /** Called once per committed transaction that stored events, so subscriptions wake. */
  readonly onAppended: () => void;
}

const actualRevision = (revision: number): number | 'noStream' => (revision < 0 ? 'noStream' : revision);

/**
 * Writes appends into the events table: checks the expected revision, recognizes a retry, chains the
 * batch onto the stream's last hash and inserts it, each append in a write transaction of its own or,
 * with group commit, in one transaction shared by the appends made during one turn of the event loop.
 */
export class Appender {
  private readonly alone: Database.Transaction<(streamId: string, events: readonly EventToAppend[], options: AppendOptions) => AppendOutcome>;
  private readonly together: Database.Transaction<(pending: readonly PendingAppend[]) => AppendOutcome[]>;
  private pending: PendingAppend[] = [];

  constructor(
    db: Connection,
    private readonly statements: Statements,
    private readonly context: AppenderContext,
  ) {
    this.alone = db.transaction((streamId, events, options) => this.appendInTransaction(streamId, events, options));
    this.together = db.transaction((pending) => pending.map((one) => this.appendInGroup(one)));
  }

  /**
   * Appends in a transaction of its own. IMMEDIATE takes the write lock before reading the stream's
   * head, so the head cannot move between the expected-revision check and the insert, in this
   * process or any other.
   */
  append(streamId: string, events: readonly EventToAppend[], options: AppendOptions): AppendOutcome {
    let result: AppendOutcome;
    try {
      result = this.alone.immediate(streamId, events, options);
    } catch (thrown) {
      return E.left(this.failure(streamId, options.expectedRevision, thrown));
    }
    if (E.isRight(result)) this.context.onAppended();
    return result;
  }

  /** Appends in the group committed once this turn of the event loop is over. */
  appendInNextGroup(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendOutcome> {
    return new Promise((settle) => {
      this.pending.push({ streamId, events, options, settle });
      if (this.pending.length === 1) setImmediate(() => this.commitGroup());
    });
  }

  /** Commits the appends waiting in the group, if any: each is still atomic and checked on its own. */
  commitGroup(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    let results: AppendOutcome[];
    try {
      results = this.context.isClosed()
        ? pending.map(({ streamId }) => E.left(storeUnavailable(`appending to ${streamId}: the store is closed`)))
        : this.together.immediate(pending);
    } catch (thrown) {
      results = pending.map(({ streamId, options }) => E.left(this.failure(streamId, options.expectedRevision, thrown)));
    }
    if (results.some(E.isRight)) this.context.onAppended();
    pending.forEach(({ settle }, index) => settle(results[index]!));
  }

  /**
   * One append of a group. A batch of several events runs in a savepoint, so that a failure halfway
   * leaves none of it; a single event needs none, as its one insert either stores it or fails whole.
   */
  private appendInGroup({ streamId, events, options }: PendingAppend): AppendOutcome {
    try {
      return events.length === 1 ? this.appendInTransaction(streamId, events, options) : this.alone(streamId, events, options);
    } catch (thrown) {
      return E.left(this.failure(streamId, options.expectedRevision, thrown));
    }
  }

  private appendInTransaction(streamId: string, events: readonly EventToAppend[], options: AppendOptions): AppendOutcome {
    const expected = options.expectedRevision;
    const current = this.statements.headRevision.get(streamId)?.revision ?? -1;
    // A numeric or `noStream` expectation that holds cannot be a retry: the retried events would
    // sit after the head. Otherwise the first event id, looked up by index, tells whether it is one.
    const conflict = checkExpectedRevision(streamId, expected, current);
    if (conflict !== undefined || expected === 'any' || expected === 'streamExists') {
      const retry = this.findRetry(streamId, events, expected, current);
      if (retry !== undefined) return retry;
      if (conflict !== undefined) return E.left(conflict);
    }
    // The check above holds, so a numeric expectation is the head itself: the caller's hash of it
    // spares reading and parsing the head's metadata (see `AppendOptions.expectedHash`).
    const prevHash = current < 0 ? GENESIS_HASH : expected === current && options.expectedHash !== undefined ? options.expectedHash : this.hashAt(streamId, current);
    const sealed = sealEvents(streamId, current + 1, prevHash, events, this.context.clock().toISOString());
    const recorded = sealed.map((event): RecordedEvent => {
      const data = JSON.stringify(event.data);
      if (data === undefined) throw new StoreFailure(invalidAppend(`stream ${streamId}: event ${event.eventId} has no JSON data`));
      const inserted = this.statements.insert.run(streamId, event.revision, event.eventId, event.type, data, JSON.stringify(event.metadata));
      return { ...event, globalPosition: BigInt(inserted.lastInsertRowid) };
    });
    return E.right({ nextExpectedRevision: current + events.length, events: recorded });
  }

  /** The same rule as `findIdempotentAppend`, answered from the indexes instead of the whole stream. */
  private findRetry(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision, current: number): AppendOutcome | undefined {
    const first = this.statements.byEventId.get(events[0]!.eventId);
    if (first === undefined || first.stream_id !== streamId) return undefined;
    const start = typeof expected === 'number' ? expected + 1 : expected === 'noStream' ? 0 : first.revision;
    if (first.revision !== start) return undefined;
    const stored = this.statements.streamFrom.all(streamId, start, events.length);
    const matched: RecordedEvent[] = [];
    for (const [offset, event] of events.entries()) {
      const row = stored[offset];
      if (row?.[3] !== event.eventId) break;
      matched.push(decodeEventRow(row));
    }
    return matched.length === events.length
      ? E.right({ nextExpectedRevision: current, events: matched })
      : E.left(concurrencyConflict(streamId, expected, actualRevision(current)));
  }

  /** The hash of the stream's event at `revision`, which the batch is chained to. */
  private hashAt(streamId: string, revision: number): string {
    const row = this.statements.metadataAt.get(streamId, revision);
    const metadata = row === undefined ? undefined : parseJson(row.metadata);
    const hash = metadata !== undefined && E.isRight(metadata) && typeof metadata.right === 'object' && metadata.right !== null && 'hash' in metadata.right ? metadata.right.hash : undefined;
    if (typeof hash !== 'string') throw new StoreFailure(corruptedEvent(streamId, revision, 'the metadata holds no hash to continue the chain from'));
    return hash;
  }

  private failure(streamId: string, expected: ExpectedRevision, thrown: unknown): StoreError {
    if (isStoreFailure(thrown)) return thrown.error;
    if (thrown instanceof TypeError) return invalidAppend(`stream ${streamId}: the events are not JSON (${thrown.message})`);
    const message = describeThrown(thrown);
    if (message.includes('UNIQUE constraint failed: events.event_id')) {
      return invalidAppend(`stream ${streamId}: an event id of the batch is already stored`);
    }
    if (message.includes('UNIQUE constraint failed: events.stream_id, events.revision')) {
      try {
        return concurrencyConflict(streamId, expected, actualRevision(this.statements.headRevision.get(streamId)?.revision ?? -1));
      } catch (failed) {
        return unavailable(`reading ${streamId}`, failed, this.context.busyTimeoutMs);
      }
    }
    return unavailable(`appending to ${streamId}`, thrown, this.context.busyTimeoutMs);
  }
}
