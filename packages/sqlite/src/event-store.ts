import * as E from 'fp-ts/lib/Either.js';
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
  StoreUnavailable,
  SubscribeOptions,
  Subscription,
} from '@aftersales/core';
import { StoreFailure, invalidAppend, storeUnavailable, streamNotFound } from '@aftersales/core';
import { catchUpSubscription, validateBatch } from '@aftersales/core/adapter-kit';
import { Appender } from './appender.js';
import type { Connection, SqliteOptions } from './database.js';
import { openConnection, unavailable } from './database.js';
import type { EventRow, ReadAllStatement, Statements } from './event-rows.js';
import { decodeEventRow, filterParameters, prepareStatements, readAllSql } from './event-rows.js';
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
  private readonly appender: Appender;
  private readonly groupCommit: boolean;
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
    this.groupCommit = options.groupCommit ?? false;
    this.appender = new Appender(db, this.statements, {
      clock: this.clock,
      busyTimeoutMs: this.busyTimeoutMs,
      isClosed: () => this.closed,
      onAppended: () => {
        this.appends += 1;
        this.notify();
      },
    });
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
    return this.groupCommit ? this.appender.appendInNextGroup(streamId, events, options) : this.appender.append(streamId, events, options);
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
    this.appender.commitGroup();
    this.closed = true;
    const subscriptions = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subscriptions.map((subscription) => subscription.close()));
    this.notify();
    this.db.close();
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
