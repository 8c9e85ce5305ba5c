import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { StoreUnavailable } from '@aftersales/core';
import { storeUnavailable } from '@aftersales/core';

/** Marks a file as this library's store (`PRAGMA application_id`), so another program's database is not mistaken for one. */
export const APPLICATION_ID = 0x41_53_45_53;

/** The schema this code reads and writes (`PRAGMA user_version`). */
export const SCHEMA_VERSION = 2;

export interface SqliteOptions {
  /** How long a write waits for another connection's write lock before the store is reported unavailable (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * `NORMAL` (the default) survives a crash of the process but may lose the last transactions on a
   * power loss or an operating-system crash; `FULL` syncs the log at every commit and survives both.
   */
  readonly synchronous?: 'NORMAL' | 'FULL';
  /**
   * How much of the file SQLite reads through a memory map (default 256 MiB). Mapped pages are the
   * kernel's page cache, but they count in the process's resident memory: a process that must stay
   * small (a rebuild over a large log) passes 0 and reads through SQLite's own page cache instead.
   */
  readonly mmapSizeBytes?: number;
}

export type Connection = Database.Database;

/**
 * Each entry moves the schema from version `index` to `index + 1`. Entries are never edited once
 * released; a change to the schema is a new entry.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    position  INTEGER PRIMARY KEY,
    stream_id TEXT    NOT NULL,
    revision  INTEGER NOT NULL CHECK (revision >= 0),
    event_id  TEXT    NOT NULL,
    type      TEXT    NOT NULL,
    data      TEXT    NOT NULL,
    metadata  TEXT    NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX events_by_stream ON events (stream_id, revision);
  CREATE UNIQUE INDEX events_by_id ON events (event_id);
  CREATE TABLE projections (
    name     TEXT    PRIMARY KEY,
    state    TEXT    NOT NULL,
    position INTEGER NOT NULL,
    saved_at TEXT    NOT NULL
  ) STRICT;
  `,
  // Facts about the store itself, outside the log: which key store it is bound to, who created it.
  `
  CREATE TABLE store_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
];

export const isBusy = (thrown: unknown): boolean =>
  thrown instanceof Database.SqliteError && (thrown.code === 'SQLITE_BUSY' || thrown.code.startsWith('SQLITE_BUSY_') || thrown.code.startsWith('SQLITE_LOCKED'));

export const describeThrown = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/** Turns what the driver threw into the port's error, saying what was being done. */
export const unavailable = (doing: string, thrown: unknown, busyTimeoutMs: number): StoreUnavailable =>
  isBusy(thrown)
    ? storeUnavailable(`${doing}: the database stayed locked by another connection for more than ${busyTimeoutMs} ms`, thrown)
    : storeUnavailable(`${doing}: ${describeThrown(thrown)}`, thrown);

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Runs `step`, retrying while another connection holds a lock the busy handler does not cover (e.g. switching to WAL). */
const whileBusy = <A>(busyTimeoutMs: number, step: () => A): A => {
  const deadline = Date.now() + busyTimeoutMs;
  for (;;) {
    try {
      return step();
    } catch (thrown) {
      if (!isBusy(thrown) || Date.now() >= deadline) throw thrown;
      sleepSync(10);
    }
  }
};

const migrate = (db: Connection, path: string): void => {
  const applicationId = db.pragma('application_id', { simple: true });
  const version = db.pragma('user_version', { simple: true });
  if (typeof version !== 'number' || typeof applicationId !== 'number') throw new Error('cannot read the schema version');
  if (version > 0 && applicationId !== APPLICATION_ID) throw new Error(`${path} is not an aftersales store (application_id ${applicationId})`);
  if (version > MIGRATIONS.length) {
    throw new Error(`${path} has schema version ${version}, newer than this library's ${MIGRATIONS.length}; upgrade the library`);
  }
  if (version === MIGRATIONS.length) return;
  if (version === 0) {
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all();
    if (tables.length > 0) throw new Error(`${path} already holds tables (${tables.map((table) => table.name).join(', ')}) and is not an aftersales store`);
  }
  for (let step = version; step < MIGRATIONS.length; step += 1) db.exec(MIGRATIONS[step]!);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${MIGRATIONS.length}`);
};

/**
 * Why a path cannot hold a SQLite file, when something other than a regular file is there (a
 * directory, a device such as /dev/null, a named pipe): SQLite would fail with an I/O error, and
 * first write a journal beside it. Undefined when the path is a file (through any links) or nothing.
 */
export const notAFile = (path: string): string | undefined => {
  if (path === ':memory:' || path === '') return undefined;
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined;
  }
  if (stats.isFile()) return undefined;
  const kind = stats.isDirectory()
    ? 'a directory'
    : stats.isCharacterDevice()
      ? 'a character device'
      : stats.isBlockDevice()
        ? 'a block device'
        : stats.isFIFO()
          ? 'a named pipe'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file';
  return `it is ${kind}, not a regular file for SQLite to keep a database in`;
};

/**
 * Opens (creating if needed) a store file, or an in-memory database for `:memory:`, in WAL mode,
 * and brings its schema to the current version in one write transaction, so two processes opening
 * a new file at once cannot both create it.
 */
export const openConnection = (path: string, options: SqliteOptions = {}): E.Either<StoreUnavailable, Connection> => {
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const refused = notAFile(path);
  if (refused !== undefined) return E.left(storeUnavailable(`opening ${path}: ${refused}`));
  let db: Connection | undefined;
  try {
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
    const connection = db;
    whileBusy(busyTimeoutMs, () => connection.pragma('journal_mode = WAL'));
    connection.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
    // Reads of the log are sequential; a memory map spares a copy per page.
    connection.pragma(`mmap_size = ${Math.max(0, Math.trunc(options.mmapSizeBytes ?? 268_435_456))}`);
    connection.pragma('cache_size = -16384');
    whileBusy(busyTimeoutMs, () => connection.transaction(() => migrate(connection, path)).immediate());
    return E.right(connection);
  } catch (thrown) {
    db?.close();
    return E.left(unavailable(`opening ${path}`, thrown, busyTimeoutMs));
  }
};

/**
 * Opens (creating if needed) a SQLite file in WAL mode for read models of their own, apart from the
 * log: hand it to `SqliteReadModelBackend`, and close it when done. The file is marked as this
 * library's, like a store file.
 */
export const openSqliteDatabase = (path: string, options: SqliteOptions = {}): E.Either<StoreUnavailable, Connection> => openConnection(path, options);
