import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describeEventStoreConformance } from '@aftersales/core/testing';
import { SqliteEventStore } from './event-store.js';

const right = <A>(opened: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

const openStore = (path: string): SqliteEventStore => right(SqliteEventStore.open(path, { pollIntervalMs: 20 }));

describeEventStoreConformance('SqliteEventStore on a file', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'aftersales-sqlite-'));
  const store = openStore(join(directory, 'store.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

describeEventStoreConformance('SqliteEventStore in memory', async () => {
  const store = openStore(':memory:');
  return { store, cleanup: () => store.close() };
});

describeEventStoreConformance('SqliteEventStore with group commit', async () => {
  const store = right(SqliteEventStore.open(':memory:', { groupCommit: true }));
  return { store, cleanup: () => store.close() };
});
