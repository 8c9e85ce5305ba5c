import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type {
  AppendOptions,
  AppendResult,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  StoreUnavailable,
  SubscribeOptions,
  Subscription,
} from '@aftersales/core';
import { StoreFailure, concurrencyConflict, corruptedEvent, invalidAppend, isStoreFailure, storeUnavailable, streamNotFound } from '@aftersales/core';
import { GENESIS_HASH, RecordedEventMetadataSchema, catchUpSubscription, checkExpectedRevision, sealEvents, validateBatch } from '@aftersales/core/adapter-kit';
import type { Connection, SqliteOptions } from './database.js';
import { describeThrown, openConnection, unavailable } from './database.js';
import { SqliteProjectionStore } from './projection-store.js';

export interface SqliteEventStoreOptions extends SqliteOptions {
  /** The store's clock for `recordedAt`; the system clock by default. */
  readonly clock?: () => Date;
  /** How often a waiting subscription looks for events appended by other processes (default 200 ms). */
  readonly pollIntervalMs?: number;
  /** Rows fetched per query when reading (default 1000): memory stays bounded whatever the log's size. */
  readonly readPageSize?: number;
  /**
   * Commits the appends made during one turn of the event loop together: each keeps its own
   * savepoint, so each is still atomic and checked on its own, but they share one commit. Raises
   * throughput when many commands are handled concurrently; off by default.
   */
  readonly groupCommit?: boolean;
}

interface PendingAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
  readonly settle: (result: E.Either<StoreError, AppendResult>) => void;
}

/** A row of `events` in column order: rows are read as arrays, which is markedly faster than objects. */
type EventRow = readonly [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];

interface StreamHead {
  readonly stream_id: string;
  readonly revision: number;
  readonly metadata: string;
}

type EventColumns = [stream_id: string, revision: number, event_id: string, type: string, data: string, metadata: string];

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

/** Keeps members it does not know, so an event's hash still verifies after a round trip. */
const MetadataSchema = RecordedEventMetadataSchema.loose();

const parseJson = (text: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(text));
  } catch (thrown) {
    return E.left(describeThrown(thrown));
  }
};

/** Decodes a stored row; a row that does not decode is reported, naming its stream and revision. */
export const decodeEventRow = ([position, streamId, revision, eventId, type, dataText, metadataText]: EventRow): RecordedEvent => {
  const data = parseJson(dataText);
  if (E.isLeft(data)) throw new StoreFailure(corruptedEvent(streamId, revision, `the data is not JSON (${data.left})`));
  const metadataJson = parseJson(metadataText);
  if (E.isLeft(metadataJson)) throw new StoreFailure(corruptedEvent(streamId, revision, `the metadata is not JSON (${metadataJson.left})`));
  const metadata = MetadataSchema.safeParse(metadataJson.right);
  if (!metadata.success) {
    const detail = metadata.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
    throw new StoreFailure(corruptedEvent(streamId, revision, `the metadata does not decode (${detail})`));
  }
  return { streamId, revision, globalPosition: BigInt(position), eventId, type, data: data.right, metadata: metadata.data };
};

interface Statements {
  readonly head: Database.Statement<[string], StreamHead>;
  readonly byEventId: Database.Statement<[string], Pick<StreamHead, 'stream_id' | 'revision'>>;
  readonly streamFrom: Database.Statement<[string, number, number], EventRow>;
  readonly streamBackwardsFrom: Database.Statement<[string, number, number], EventRow>;
  readonly streamExists: Database.Statement<[string], { readonly found: number }>;
  readonly insert: Database.Statement<EventColumns>;
}

const prepareStatements = (db: Connection): Statements => ({
  head: db.prepare(`SELECT stream_id, revision, metadata FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`),
  byEventId: db.prepare(`SELECT stream_id, revision FROM events WHERE event_id = ?`),
  streamFrom: db.prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(true),
  streamBackwardsFrom: db
    .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
    .raw(true),
  streamExists: db.prepare(`SELECT 1 AS found FROM events WHERE stream_id = ? LIMIT 1`),
  insert: db.prepare(`INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)`),
});

type ReadAllStatement = Database.Statement<unknown[], EventRow>;

/** Filters are applied in SQL, so a filtered page holds `maxCount` matching events, not fewer. */
const readAllSql = (filter: EventFilter | undefined): string => {
  const conditions = ['position > ?'];
  if (filter?.streamPrefixes !== undefined) {
    const prefixes = filter.streamPrefixes.map(() => 'instr(stream_id, ?) = 1');
    conditions.push(prefixes.length === 0 ? '0' : `(${prefixes.join(' OR ')})`);
  }
  if (filter?.eventTypes !== undefined) {
    conditions.push(filter.eventTypes.length === 0 ? '0' : `type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
  }
  return `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`;
};

const filterParameters = (filter: EventFilter | undefined): string[] => [...(filter?.streamPrefixes ?? []), ...(filter?.eventTypes ?? [])];

const actualRevision = (revision: number): number | 'noStream' => (revision < 0 ? 'noStream' : revision);

/**
 * The event-store port on an embedded SQLite file: one write transaction per append, WAL so readers
 * never wait for writers, and polling so subscriptions also see what other processes append.
 */
export class SqliteEventStore implements EventStore {
  readonly dbSystem = 'sqlite';
  private readonly statements: Statements;
  private readonly readAllStatements = new Map<string, ReadAllStatement>();
  private readonly clock: () => Date;
  private readonly busyTimeoutMs: number;
  private readonly pollIntervalMs: number | undefined;
  private readonly pageSize: number;
  private readonly waiters = new Set<() => void>();
  /** Counts this connection's appends, so a subscription can tell whether one happened while it was reading. */
  private appends = 0;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appendTransaction: Database.Transaction<
    (streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) => E.Either<StoreError, AppendResult>
  >;
  private readonly groupTransaction: Database.Transaction<(pending: readonly PendingAppend[]) => Array<E.Either<StoreError, AppendResult>>>;
  private readonly groupCommit: boolean;
  private pending: PendingAppend[] = [];
  private closed = false;

  private constructor(
    private readonly db: Connection,
    readonly path: string,
    options: SqliteEventStoreOptions,
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.busyTimeoutMs = options.busyTimeoutMs ?? 5000;
    // Nothing outside this connection can write to an in-memory database, so there is nothing to poll for.
    this.pollIntervalMs = db.memory ? undefined : (options.pollIntervalMs ?? 200);
    this.pageSize = Math.max(1, options.readPageSize ?? 1000);
    this.statements = prepareStatements(db);
    this.appendTransaction = db.transaction((streamId, events, expected) => this.appendInTransaction(streamId, events, expected));
    this.groupCommit = options.groupCommit ?? false;
    // Inside the group's transaction, each append's transaction function runs as a savepoint.
    this.groupTransaction = db.transaction((pending) =>
      pending.map(({ streamId, events, expected }) => {
        try {
          return this.appendTransaction(streamId, events, expected);
        } catch (thrown) {
          return E.left(this.appendFailure(streamId, expected, thrown));
        }
      }),
    );
  }

  /** Opens or creates the store at `path` (`:memory:` for a database that lives as long as the store). */
  static open(path: string, options: SqliteEventStoreOptions = {}): E.Either<StoreUnavailable, SqliteEventStore> {
    return E.map((db: Connection) => new SqliteEventStore(db, path, options))(openConnection(path, options));
  }

  /** A projection store on the same connection, so read models and checkpoints live in the same file as the events. */
  projectionStore(): SqliteProjectionStore {
    return SqliteProjectionStore.onConnection(this.db, this.busyTimeoutMs);
  }

  /**
   * The store's own connection, for the read models' tables (`SqliteReadModelBackend` of
   * `@aftersales/read-models`) to live in the log's file. It stays the store's: closing the store closes it.
   */
  database(): Connection {
    return this.db;
  }

  /** Copies the whole store, consistently, to another file while it stays in use (SQLite's online backup). */
  async backup(destination: string): Promise<E.Either<StoreUnavailable, void>> {
    try {
      await this.db.backup(destination);
      return E.right(undefined);
    } catch (thrown) {
      return E.left(unavailable(`backing up to ${destination}`, thrown, this.busyTimeoutMs));
    }
  }

  /** A fact about the store kept beside the log (e.g. the key store it is bound to), or undefined. */
  setting(name: string): E.Either<StoreUnavailable, string | undefined> {
    return this.attempt(`reading the setting ${name}`, () =>
      this.db.prepare<[string], { value: string }>('SELECT value FROM store_settings WHERE name = ?').get(name)?.value,
    );
  }

  /** Stores `value` under `name` unless a value is there already; returns the value now stored, whoever wrote it. */
  claimSetting(name: string, value: string): E.Either<StoreUnavailable, string> {
    return this.attempt(`writing the setting ${name}`, () =>
      this.db
        .transaction(() => {
          this.db.prepare('INSERT OR IGNORE INTO store_settings (name, value) VALUES (?, ?)').run(name, value);
          return this.db.prepare<[string], { value: string }>('SELECT value FROM store_settings WHERE name = ?').get(name)!.value;
        })
        .immediate(),
    );
  }

  /** Replaces a setting, or removes it when `value` is undefined. */
  saveSetting(name: string, value: string | undefined): E.Either<StoreUnavailable, void> {
    return this.attempt(`writing the setting ${name}`, () => {
      if (value === undefined) this.db.prepare('DELETE FROM store_settings WHERE name = ?').run(name);
      else this.db.prepare('INSERT INTO store_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value').run(name, value);
    });
  }

  /**
   * Runs `work` inside one write transaction: every append it makes is committed together when it
   * resolves, and none when it throws or the process dies first. The write lock is held throughout,
   * so no other process can append in between; reads inside `work` see its own appends.
   */
  async transaction<A>(work: () => Promise<A>): Promise<A> {
    if (this.db.inTransaction) throw new StoreFailure(storeUnavailable('a transaction is already open on this store'));
    this.query('starting a transaction', () => this.db.exec('BEGIN IMMEDIATE'));
    let result: A;
    try {
      result = await work();
    } catch (thrown) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw thrown;
    }
    this.query('committing a transaction', () => this.db.exec('COMMIT'));
    return result;
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const invalid = validateBatch(streamId, events);
    if (invalid !== undefined) return E.left(invalidAppend(invalid));
    if (this.groupCommit) return this.appendInGroup(streamId, events, options.expectedRevision);
    let result: E.Either<StoreError, AppendResult>;
    try {
      // IMMEDIATE takes the write lock before reading the stream's head, so the head cannot move
      // between the expected-revision check and the insert, in this process or any other.
      result = this.appendTransaction.immediate(streamId, events, options.expectedRevision);
    } catch (thrown) {
      return E.left(this.appendFailure(streamId, options.expectedRevision, thrown));
    }
    if (E.isRight(result)) {
      this.appends += 1;
      this.notify();
    }
    return result;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    const backwards = options.direction === 'backwards';
    const from = options.from ?? (backwards ? 'end' : 'start');
    let next = from === 'start' ? 0 : from === 'end' ? Number.MAX_SAFE_INTEGER : from;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    const statement = backwards ? this.statements.streamBackwardsFrom : this.statements.streamFrom;
    let limit = Math.min(this.pageSize, remaining);
    const page = () => this.query(`reading ${streamId}`, () => statement.all(streamId, next, limit));
    let rows = limit > 0 ? page() : [];
    if (rows.length === 0) {
      // From either end of the stream, an empty page can only mean that there is no stream.
      const fromAnEnd = limit > 0 && ((from === 'start' && !backwards) || (from === 'end' && backwards));
      const exists = fromAnEnd ? undefined : this.query(`reading ${streamId}`, () => this.statements.streamExists.get(streamId));
      if (exists === undefined) throw new StoreFailure(streamNotFound(streamId));
    }
    for (;;) {
      for (const row of rows) yield decodeEventRow(row);
      remaining -= rows.length;
      if (rows.length < limit || remaining <= 0) return;
      next = rows[rows.length - 1]![2] + (backwards ? -1 : 1);
      limit = Math.min(this.pageSize, remaining);
      rows = page();
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const statement = this.readAllStatement(options.filter);
    const parameters = filterParameters(options.filter);
    let after: bigint | number = options.after ?? 0;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = this.query('reading $all', () => statement.all(after, ...parameters, limit));
      for (const row of rows) yield decodeEventRow(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      after = rows[rows.length - 1]![0];
    }
  }

  async headPosition(): Promise<bigint | undefined> {
    const head = this.query('reading the head of $all', () => this.db.prepare<[], { head: number | null }>('SELECT max(position) AS head FROM events').get());
    return head?.head === null || head?.head === undefined ? undefined : BigInt(head.head);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    // A page is read in one query, so an append made while the page is being delivered is not in
    // it; the subscription then reads again at once instead of waiting for the next wake-up.
    let appendsBeforeRead = this.appends;
    const subscription = catchUpSubscription(
      {
        readAll: (readOptions) => {
          appendsBeforeRead = this.appends;
          return this.readAll(readOptions);
        },
        waitForChange: (signal) => (this.appends === appendsBeforeRead ? this.waitForChange(signal) : Promise.resolve()),
      },
      { ...options, pageSize: this.pageSize },
    );
    if (this.closed) {
      void subscription.close();
      return subscription;
    }
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

  /** Ends every subscription, then closes the file. Closing twice does nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted into a group are committed, not dropped.
    this.commitGroup();
    this.closed = true;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    this.notify();
    this.db.close();
  }

  private appendInGroup(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<E.Either<StoreError, AppendResult>> {
    return new Promise((settle) => {
      this.pending.push({ streamId, events, expected, settle });
      if (this.pending.length === 1) setImmediate(() => this.commitGroup());
    });
  }

  private commitGroup(): void {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    let results: Array<E.Either<StoreError, AppendResult>>;
    try {
      results = this.closed
        ? pending.map(({ streamId }) => E.left(storeUnavailable(`appending to ${streamId}: the store is closed`)))
        : this.groupTransaction.immediate(pending);
    } catch (thrown) {
      results = pending.map(({ streamId, expected }) => E.left(this.appendFailure(streamId, expected, thrown)));
    }
    if (results.some(E.isRight)) {
      this.appends += 1;
      this.notify();
    }
    pending.forEach(({ settle }, index) => settle(results[index]!));
  }

  private appendInTransaction(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): E.Either<StoreError, AppendResult> {
    const head = this.statements.head.get(streamId);
    const current = head?.revision ?? -1;
    // A numeric or `noStream` expectation that holds cannot be a retry: the retried events would
    // sit after the head. Otherwise the first event id, looked up by index, tells whether it is one.
    const conflict = checkExpectedRevision(streamId, expected, current);
    if (conflict !== undefined || expected === 'any' || expected === 'streamExists') {
      const retry = this.findRetry(streamId, events, expected, current);
      if (retry !== undefined) return retry;
      if (conflict !== undefined) return E.left(conflict);
    }
    const prevHash = head === undefined ? GENESIS_HASH : this.headHash(head);
    const sealed = sealEvents(streamId, current + 1, prevHash, events, this.clock().toISOString());
    const recorded = sealed.map((event): RecordedEvent => {
      const data = JSON.stringify(event.data);
      if (data === undefined) throw new StoreFailure(invalidAppend(`stream ${streamId}: event ${event.eventId} has no JSON data`));
      const inserted = this.statements.insert.run(streamId, event.revision, event.eventId, event.type, data, JSON.stringify(event.metadata));
      return { ...event, globalPosition: BigInt(inserted.lastInsertRowid) };
    });
    return E.right({ nextExpectedRevision: current + events.length, events: recorded });
  }

  /** The same rule as `findIdempotentAppend`, answered from the indexes instead of the whole stream. */
  private findRetry(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    current: number,
  ): E.Either<StoreError, AppendResult> | undefined {
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

  private headHash(head: StreamHead): string {
    const metadata = parseJson(head.metadata);
    const hash = E.isRight(metadata) && typeof metadata.right === 'object' && metadata.right !== null && 'hash' in metadata.right ? metadata.right.hash : undefined;
    if (typeof hash !== 'string') {
      throw new StoreFailure(corruptedEvent(head.stream_id, head.revision, 'the metadata holds no hash to continue the chain from'));
    }
    return hash;
  }

  private appendFailure(streamId: string, expected: ExpectedRevision, thrown: unknown): StoreError {
    if (isStoreFailure(thrown)) return thrown.error;
    if (thrown instanceof TypeError) return invalidAppend(`stream ${streamId}: the events are not JSON (${thrown.message})`);
    const message = describeThrown(thrown);
    if (message.includes('UNIQUE constraint failed: events.event_id')) {
      return invalidAppend(`stream ${streamId}: an event id of the batch is already stored`);
    }
    if (message.includes('UNIQUE constraint failed: events.stream_id, events.revision')) {
      const head = this.query(`reading ${streamId}`, () => this.statements.head.get(streamId));
      return concurrencyConflict(streamId, expected, actualRevision(head?.revision ?? -1));
    }
    return unavailable(`appending to ${streamId}`, thrown, this.busyTimeoutMs);
  }

  private attempt<A>(doing: string, run: () => A): E.Either<StoreUnavailable, A> {
    try {
      return E.right(run());
    } catch (thrown) {
      return E.left(unavailable(doing, thrown, this.busyTimeoutMs));
    }
  }

  private query<A>(doing: string, run: () => A): A {
    try {
      return run();
    } catch (thrown) {
      throw new StoreFailure(unavailable(doing, thrown, this.busyTimeoutMs));
    }
  }

  private readAllStatement(filter: EventFilter | undefined): ReadAllStatement {
    const sql = readAllSql(filter);
    let statement = this.readAllStatements.get(sql);
    if (statement === undefined) {
      statement = this.query('reading $all', () => this.db.prepare<unknown[], EventRow>(sql).raw(true));
      this.readAllStatements.set(sql, statement);
    }
    return statement;
  }

  private waitForChange(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted || this.closed) return resolve();
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        this.waiters.delete(wake);
        resolve();
      };
      if (this.pollIntervalMs !== undefined) timer = setTimeout(wake, this.pollIntervalMs);
      signal.addEventListener('abort', wake, { once: true });
      this.waiters.add(wake);
    });
  }

  private notify(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
