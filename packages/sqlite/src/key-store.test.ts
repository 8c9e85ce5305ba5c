import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { describeKeyStoreContract } from '@aftersales/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventStore } from './event-store.js';
import { SqliteKeyStore } from './key-store.js';

const directories: string[] = [];
const openAt = (path?: string, options: Parameters<typeof SqliteKeyStore.open>[1] = {}) => {
  const file = path ?? join(mkdtempSync(join(tmpdir(), 'aftersales-keys-')), 'keys.db');
  if (path === undefined) directories.push(join(file, '..'));
  const opened = SqliteKeyStore.open(file, options);
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return { file, keys: opened.right };
};
const right = <A>(result: E.Either<{ message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

describe('SqliteKeyStore', () => {
  it('keeps one key per subject, and keys and secret across reopening', async () => {
    const { file, keys } = openAt();
    const first = right(await keys.activeKey('subject-a'));
    expect(right(await keys.activeKey('subject-a'))).toEqual(first);
    const other = right(await keys.activeKey('subject-b'));
    expect(other.keyId).not.toBe(first.keyId);
    const secret = right(await keys.pseudonymSecret());
    keys.close();

    const reopened = openAt(file).keys;
    expect(right(await reopened.key(first.keyId))).toEqual({ status: 'active', key: first.key });
    expect(Buffer.from(right(await reopened.pseudonymSecret()))).toEqual(Buffer.from(secret));
    expect(right(await reopened.key('k-never'))).toEqual({ status: 'unknown' });
    reopened.close();
  });

  it('destroys the keys of an erased subject, leaving a tombstone and no copy of the key in its files', async () => {
    const { file, keys } = openAt();
    const { keyId, key } = right(await keys.activeKey('subject-a'));
    const kept = right(await keys.activeKey('subject-b'));
    expect(right(await keys.eraseSubject('subject-a', '2026-04-01T00:00:00Z'))).toEqual([keyId]);
    expect(right(await keys.eraseSubject('subject-a', '2026-04-02T00:00:00Z'))).toEqual([]);
    expect(right(await keys.key(keyId))).toEqual({ status: 'erased', erasedAt: '2026-04-01T00:00:00Z' });
    expect(right(await keys.key(kept.keyId))).toEqual({ status: 'active', key: kept.key });

    const directory = join(file, '..');
    for (const name of readdirSync(directory)) {
      expect(readFileSync(join(directory, name)).includes(Buffer.from(key))).toBe(false);
    }
    keys.close();
    for (const name of readdirSync(directory)) {
      expect(readFileSync(join(directory, name)).includes(Buffer.from(key))).toBe(false);
    }
  });

  it('gives a subject a new key after its erasure, and erases one key by its id', async () => {
    const { keys } = openAt();
    const before = right(await keys.activeKey('subject-a'));
    right(await keys.eraseSubject('subject-a', '2026-04-01T00:00:00Z'));
    const after = right(await keys.activeKey('subject-a'));
    expect(after.keyId).not.toBe(before.keyId);
    expect(right(await keys.eraseKey(after.keyId, '2026-05-01T00:00:00Z'))).toBe(true);
    expect(right(await keys.eraseKey(after.keyId, '2026-05-01T00:00:00Z'))).toBe(false);
    expect(right(await keys.key(after.keyId))).toMatchObject({ status: 'erased' });
    keys.close();
  });

  it('does not report an erasure done while another connection keeps the destroyed key in the write-ahead log', async () => {
    const { file, keys } = openAt(undefined, { busyTimeoutMs: 50 });
    const { key } = right(await keys.activeKey('subject-a'));
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM personal_data_keys').get();

    const refused = await keys.eraseSubject('subject-a', '2026-04-01T00:00:00Z');
    expect(E.isLeft(refused) && refused.left.message).toContain('another connection keeps');
    expect(readFileSync(`${file}-wal`).includes(Buffer.from(key))).toBe(true);

    reader.exec('COMMIT');
    reader.close();
    // Asked again, nothing is left to destroy, and the log the key was in is emptied this time.
    expect(right(await keys.eraseSubject('subject-a', '2026-04-01T00:00:00Z'))).toEqual([]);
    for (const name of readdirSync(join(file, '..'))) expect(readFileSync(join(file, '..', name)).includes(Buffer.from(key))).toBe(false);
    keys.close();
  });

  it('has an id from its creation on, kept across reopening and read-only opening', () => {
    const { file, keys } = openAt();
    const id = right(keys.id());
    expect(id).toMatch(/^ks-[0-9a-f]{32}$/);
    keys.close();
    const other = openAt();
    expect(right(other.keys.id())).not.toBe(id);
    other.keys.close();
    const readOnly = openAt(file, { readOnly: true }).keys;
    expect(right(readOnly.id())).toBe(id);
    readOnly.close();
  });

  it('opened read-only, creates no file and writes nothing', async () => {
    const { file, keys } = openAt();
    keys.close();
    const missing = SqliteKeyStore.open(join(file, '..', 'missing.keys.db'), { readOnly: true });
    expect(E.isLeft(missing)).toBe(true);
    expect(readdirSync(join(file, '..'))).not.toContain('missing.keys.db');
    const readOnly = openAt(file, { readOnly: true }).keys;
    expect(E.isLeft(await readOnly.activeKey('subject-a'))).toBe(true);
    expect(E.isLeft(await readOnly.pseudonymSecret())).toBe(true);
    expect(right(await readOnly.key('k-never'))).toEqual({ status: 'unknown' });
    readOnly.close();
  });

  it('refuses an events store, or any other database, as its file', async () => {
    const { file, keys } = openAt();
    keys.close();
    const eventsFile = join(file, '..', 'events.db');
    const events = SqliteEventStore.open(eventsFile);
    if (E.isLeft(events)) throw new Error(events.left.message);
    await events.right.close();
    const refused = SqliteKeyStore.open(eventsFile);
    expect(E.isLeft(refused) && refused.left.message).toContain('is an events store, not a key store');
    const other = new Database(join(file, '..', 'other.db'));
    other.exec('CREATE TABLE invoices (id INTEGER)');
    other.close();
    const foreign = SqliteKeyStore.open(join(file, '..', 'other.db'));
    expect(E.isLeft(foreign) && foreign.left.message).toContain('is not a key store');
  });

  it('reports a file it cannot open as unavailable', () => {
    const { file, keys } = openAt();
    keys.close();
    const opened = SqliteKeyStore.open(join(file, 'keys.db'));
    expect(E.isLeft(opened) && opened.left.code).toBe('KeyStoreUnavailable');
  });

  it('refuses a directory or a device as its file, by name, and writes nothing beside it', () => {
    const directory = mkdtempSync(join(tmpdir(), 'aftersales-keys-'));
    directories.push(directory);
    const device = join(directory, 'keys.db');
    symlinkSync('/dev/null', device);
    for (const readOnly of [false, true]) {
      for (const [target, kind] of [[directory, 'a directory'], [device, 'a character device']] as const) {
        expect(SqliteKeyStore.open(target, { readOnly })).toEqual(
          E.left({ code: 'KeyStoreUnavailable', message: `opening the key store ${target}: it is ${kind}, not a regular file for SQLite to keep a database in` }),
        );
      }
    }
    expect(readdirSync(directory)).toEqual(['keys.db']);
  });
});

describeKeyStoreContract('SqliteKeyStore', async () => {
  const { keys } = openAt();
  return { keyStore: keys, cleanup: () => keys.close() };
});
