import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { KeyLookup, KeyStore, KeyStoreError } from '@aftersales/core';
import { keyStoreUnavailable } from '@aftersales/core';
import { newKeyId } from '@aftersales/core/adapter-kit';
import { APPLICATION_ID, notAFile } from './database.js';

/** Marks a file as a key store (`PRAGMA application_id`), so neither an events store nor another program's database is taken for one. */
export const KEY_STORE_APPLICATION_ID = 0x41_53_4b_53;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS personal_data_keys (
    key_id     TEXT PRIMARY KEY,
    subject    TEXT,
    key        BLOB CHECK (key IS NULL OR length(key) = 32),
    created_at TEXT NOT NULL,
    erased_at  TEXT
  ) STRICT;
  CREATE UNIQUE INDEX IF NOT EXISTS active_key_by_subject ON personal_data_keys (subject) WHERE key IS NOT NULL;
  CREATE TABLE IF NOT EXISTS key_store_settings (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
  ) STRICT;
`;

/** How often an erasure tries to empty the write-ahead log (each try waits up to the busy timeout) before it reports that another connection keeps it. */
const CHECKPOINT_ATTEMPTS = 3;
const CHECKPOINT_PAUSE_MS = 50;

const sleepSync = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Refuses a file that is something else than a key store: an events store, or another program's database. */
const checkKind = (db: Database.Database, path: string): void => {
  const applicationId = db.pragma('application_id', { simple: true });
  if (applicationId === APPLICATION_ID) throw new Error(`${path} is an events store, not a key store: keep the keys in a file of their own`);
  if (applicationId !== KEY_STORE_APPLICATION_ID && applicationId !== 0) throw new Error(`${path} is not a key store (application_id ${String(applicationId)})`);
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'").all().map((table) => table.name);
  const foreign = tables.filter((name) => name !== 'personal_data_keys' && name !== 'key_store_settings');
  if (foreign.length > 0) throw new Error(`${path} holds tables (${foreign.join(', ')}) and is not a key store`);
};

interface KeyRow {
  readonly key_id: string;
  readonly key: Buffer | null;
  readonly erased_at: string | null;
}

const describe = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

export interface SqliteKeyStoreOptions {
  /** How long a write waits for another process's lock (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /** The clock for `created_at` (the system clock by default). */
  readonly clock?: () => Date;
  /** Open an existing file for reading only: nothing is created, and every write is refused. */
  readonly readOnly?: boolean;
}

/**
 * The key store in its own SQLite file, kept apart from the events: a copy or an export of the log
 * then carries no key. Erasing overwrites the key with NULL under `secure_delete` and truncates the
 * write-ahead log, so the destroyed key is left neither in free pages nor in the WAL file. Backups of
 * this file made before an erasure still hold the key: keep them no longer than erasure allows.
 */
export class SqliteKeyStore implements KeyStore {
  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly clock: () => Date,
  ) {}

  static open(path: string, options: SqliteKeyStoreOptions = {}): E.Either<KeyStoreError, SqliteKeyStore> {
    const refused = notAFile(path);
    if (refused !== undefined) return E.left(keyStoreUnavailable(`opening the key store ${path}: ${refused}`));
    let db: Database.Database | undefined;
    try {
      if (options.readOnly) {
        db = new Database(path, { readonly: true, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5000 });
        checkKind(db, path);
        return E.right(new SqliteKeyStore(db, path, options.clock ?? (() => new Date())));
      }
      if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      const connection = db;
      connection
        .transaction(() => {
          checkKind(connection, path);
          connection.exec(SCHEMA);
          connection.pragma(`application_id = ${KEY_STORE_APPLICATION_ID}`);
          connection.prepare("INSERT OR IGNORE INTO key_store_settings (name, value) VALUES ('key_store_id', ?)").run(Buffer.from(`ks-${randomBytes(16).toString('hex')}`));
        })
        .immediate();
      return E.right(new SqliteKeyStore(connection, path, options.clock ?? (() => new Date())));
    } catch (thrown) {
      db?.close();
      return E.left(keyStoreUnavailable(`opening the key store ${path}: ${describe(thrown)}`));
    }
  }

  /**
   * The id this key store was given when it was created: a log records it, so that it is never read
   * or written with another key store. Undefined for a file made before ids, opened read-only.
   */
  id(): E.Either<KeyStoreError, string | undefined> {
    return this.run('reading the key store id', () => {
      const tables = this.db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'key_store_settings'").all();
      if (tables.length === 0) return undefined;
      return this.db.prepare<[], { value: Buffer }>("SELECT value FROM key_store_settings WHERE name = 'key_store_id'").get()?.value.toString('utf8');
    });
  }

  private run<A>(doing: string, step: () => A): E.Either<KeyStoreError, A> {
    try {
      return E.right(step());
    } catch (thrown) {
      return E.left(keyStoreUnavailable(`${doing}: ${describe(thrown)}`));
    }
  }

  async activeKey(subject: string): Promise<E.Either<KeyStoreError, { readonly keyId: string; readonly key: Uint8Array }>> {
    return this.run('reading a customer key', () =>
      this.db
        .transaction(() => {
          const existing = this.db
            .prepare<[string], { key_id: string; key: Buffer }>('SELECT key_id, key FROM personal_data_keys WHERE subject = ? AND key IS NOT NULL')
            .get(subject);
          if (existing !== undefined) return { keyId: existing.key_id, key: existing.key };
          const created = { keyId: newKeyId(), key: randomBytes(32) };
          this.db
            .prepare('INSERT INTO personal_data_keys (key_id, subject, key, created_at) VALUES (?, ?, ?, ?)')
            .run(created.keyId, subject, created.key, this.clock().toISOString());
          return created;
        })
        .immediate(),
    );
  }

  async key(keyId: string): Promise<E.Either<KeyStoreError, KeyLookup>> {
    return this.run('reading a key', (): KeyLookup => {
      const row = this.db.prepare<[string], KeyRow>('SELECT key_id, key, erased_at FROM personal_data_keys WHERE key_id = ?').get(keyId);
      if (row === undefined) return { status: 'unknown' };
      if (row.key === null) return { status: 'erased', erasedAt: row.erased_at ?? '' };
      return { status: 'active', key: row.key };
    });
  }

  private destroy(where: string, parameter: string, erasedAt: string): string[] {
    const erased = this.db
      .transaction(() => {
        const rows = this.db
          .prepare<[string], { key_id: string; key: Buffer }>(`SELECT key_id, key FROM personal_data_keys WHERE ${where} AND key IS NOT NULL ORDER BY key_id`)
          .all(parameter);
        this.db.prepare(`UPDATE personal_data_keys SET key = NULL, subject = NULL, erased_at = ? WHERE ${where} AND key IS NOT NULL`).run(erasedAt, parameter);
        return rows;
      })
      .immediate();
    // Even with nothing left to erase, an earlier erasure that was killed right after its commit
    // may still have the key in the write-ahead log: emptying it is what proves the key gone.
    this.emptyWriteAheadLog(erased.map((row) => row.key));
    return erased.map((row) => row.key_id);
  }

  /**
   * Copies the write-ahead log into the file (where `secure_delete` has overwritten the destroyed keys)
   * and truncates it, checking the result: while another connection reads an older snapshot, the log
   * cannot be emptied, and the erasure is reported as unfinished rather than done.
   */
  private emptyWriteAheadLog(destroyed: readonly Buffer[]): void {
    for (let attempt = 1; ; attempt += 1) {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
      const left = destroyed.some((key) => this.fileHolds(key));
      if (result !== undefined && result.busy === 0 && !left) return;
      if (attempt >= CHECKPOINT_ATTEMPTS) {
        throw new Error(
          `the key is erased in ${this.path}, but another connection keeps the file's write-ahead log, which may still hold the destroyed key: close every other program using ${this.path} and erase again`,
        );
      }
      sleepSync(CHECKPOINT_PAUSE_MS);
    }
  }

  private fileHolds(key: Buffer): boolean {
    if (this.db.memory) return false;
    return ['', '-wal'].some((suffix) => {
      try {
        return readFileSync(`${this.path}${suffix}`).includes(key);
      } catch {
        return false;
      }
    });
  }

  async eraseSubject(subject: string, erasedAt: string): Promise<E.Either<KeyStoreError, readonly string[]>> {
    return this.run('erasing a customer key', () => this.destroy('subject = ?', subject, erasedAt));
  }

  async eraseKey(keyId: string, erasedAt: string): Promise<E.Either<KeyStoreError, boolean>> {
    return this.run('erasing a key', () => this.destroy('key_id = ?', keyId, erasedAt).length > 0);
  }

  async pseudonymSecret(): Promise<E.Either<KeyStoreError, Uint8Array>> {
    const select = () => this.db.prepare<[], { value: Buffer }>("SELECT value FROM key_store_settings WHERE name = 'pseudonym_secret'").get()?.value;
    if (this.db.readonly) {
      const secret = this.run('reading the pseudonym secret', select);
      return E.flatMap(secret, (value) => (value === undefined ? E.left(keyStoreUnavailable(`${this.path} has no pseudonym secret yet and is open for reading only`)) : E.right(value)));
    }
    return this.run('reading the pseudonym secret', () =>
      this.db
        .transaction(() => {
          this.db.prepare("INSERT OR IGNORE INTO key_store_settings (name, value) VALUES ('pseudonym_secret', ?)").run(randomBytes(32));
          return select()!;
        })
        .immediate(),
    );
  }

  close(): void {
    this.db.close();
  }
}
