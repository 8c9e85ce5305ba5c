import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { SqliteEventStoreOptions } from '@aftersales/sqlite';
import { SqliteEventStore } from '@aftersales/sqlite';

/** A fresh store file in a temporary folder; `remove` closes it and deletes the folder. */
export const temporarySqliteStore = (name: string, options: SqliteEventStoreOptions = {}): { readonly store: SqliteEventStore; readonly path: string; remove(): Promise<void> } => {
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-bench-'));
  const path = join(folder, `${name}.db`);
  const store = openSqlite(path, options);
  return {
    store,
    path,
    remove: async () => {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
};

export const openSqlite = (path: string, options: SqliteEventStoreOptions = {}): SqliteEventStore => {
  const opened = SqliteEventStore.open(path, options);
  if (E.isLeft(opened)) throw new Error(`cannot open ${path}: ${opened.left.message}`);
  return opened.right;
};
