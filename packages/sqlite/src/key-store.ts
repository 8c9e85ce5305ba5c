import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { KeyLookup, KeyStore, KeyStoreError } from '@aftersales/core';
import { keyStoreUnavailable, newKeyId } from '@aftersales/core';

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
    private readonly clock: () => Date,
  ) {}

  static open(path: string, options: SqliteKeyStoreOptions = {}): E.Either<KeyStoreError, SqliteKeyStore> {
    let db: Database.Database | undefined;
    try {
      if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      const connection = db;
      connection.transaction(() => connection.exec(SCHEMA)).immediate();
      return E.right(new SqliteKeyStore(connection, options.clock ?? (() => new Date())));
    } catch (thrown) {
      db?.close();
      return E.left(keyStoreUnavailable(`opening the key store ${path}: ${describe(thrown)}`));
    }
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
        const keyIds = this.db
          .prepare<[string], { key_id: string }>(`SELECT key_id FROM personal_data_keys WHERE ${where} AND key IS NOT NULL ORDER BY key_id`)
          .all(parameter)
          .map((row) => row.key_id);
        this.db.prepare(`UPDATE personal_data_keys SET key = NULL, subject = NULL, erased_at = ? WHERE ${where} AND key IS NOT NULL`).run(erasedAt, parameter);
        return keyIds;
      })
      .immediate();
    if (erased.length > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return erased;
  }

  async eraseSubject(subject: string, erasedAt: string): Promise<E.Either<KeyStoreError, readonly string[]>> {
    return this.run('erasing a customer key', () => this.destroy('subject = ?', subject, erasedAt));
  }

  async eraseKey(keyId: string, erasedAt: string): Promise<E.Either<KeyStoreError, boolean>> {
    return this.run('erasing a key', () => this.destroy('key_id = ?', keyId, erasedAt).length > 0);
  }

  async pseudonymSecret(): Promise<E.Either<KeyStoreError, Uint8Array>> {
    return this.run('reading the pseudonym secret', () =>
      this.db
        .transaction(() => {
          this.db.prepare("INSERT OR IGNORE INTO key_store_settings (name, value) VALUES ('pseudonym_secret', ?)").run(randomBytes(32));
          return this.db.prepare<[], { value: Buffer }>("SELECT value FROM key_store_settings WHERE name = 'pseudonym_secret'").get()!.value;
        })
        .immediate(),
    );
  }

  close(): void {
    this.db.close();
  }
}
