import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordedEvent, StoreError } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { verifyStreamChain } from '@aftersales/core/adapter-kit';
import { testEvent } from '@aftersales/core/testing';
import { SCHEMA_VERSION } from './database.js';
import type { SqliteEventStoreOptions } from './event-store.js';
import { SqliteEventStore } from './event-store.js';

const right = <A>(result: E.Either<StoreError, A>): A => {
  if (E.isLeft(result)) throw new Error(`${result.left.code}: ${result.left.message}`);
  return result.right;
};

const events = (count: number) => Array.from({ length: count }, (_, index) => testEvent('Counted', { index }));

let directory: string;
let path: string;
const opened: SqliteEventStore[] = [];
const open = (options: SqliteEventStoreOptions = {}): SqliteEventStore => {
  const store = right(SqliteEventStore.open(path, options));
  opened.push(store);
  return store;
};

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'aftersales-sqlite-'));
  path = join(directory, 'nested', 'store.db');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  rmSync(directory, { recursive: true, force: true });
});

describe('SqliteEventStore', () => {
  it('keeps events across close and open, and continues global positions after them', async () => {
    const first = open();
    const before = right(await first.appendToStream('RepairOrder-1', events(3), { expectedRevision: 'noStream' }));
    await first.close();

    const second = open();
    const read = right(await collect(second.readStream('RepairOrder-1')));
    expect(read).toEqual(before.events);
    const after = right(await second.appendToStream('RepairOrder-1', events(2), { expectedRevision: 2 }));
    expect(after.events.map((event) => event.revision)).toEqual([3, 4]);
    expect(after.events[0]!.globalPosition).toBeGreaterThan(before.events[2]!.globalPosition);
    expect(verifyStreamChain(right(await collect(second.readStream('RepairOrder-1'))))).toEqual([]);
  });

  it('chains a batch to the head hash the caller expects, and to the stored one without it, the same way', async () => {
    const store = open();
    const first = right(await store.appendToStream('RepairOrder-1', events(2), { expectedRevision: 'noStream' }));
    right(await store.appendToStream('RepairOrder-1', events(1), { expectedRevision: 1, expectedHash: first.events[1]!.metadata.hash }));
    right(await store.appendToStream('RepairOrder-1', events(1), { expectedRevision: 2 }));
    const stream = right(await collect(store.readStream('RepairOrder-1')));
    expect(stream.map((event) => event.metadata.prevHash)).toEqual([expect.any(String), ...stream.slice(0, -1).map((event) => event.metadata.hash)]);
    expect(verifyStreamChain(stream)).toEqual([]);
  });

  it('stores every event of a group that holds one-event and several-event appends, and none of a several-event append that fails halfway', async () => {
    const store = open({ groupCommit: true });
    const taken = testEvent('Counted', { index: 0 });
    const results = await Promise.all([
      store.appendToStream('RepairOrder-1', events(1), { expectedRevision: 'noStream' }),
      store.appendToStream('RepairOrder-2', [taken], { expectedRevision: 'noStream' }),
      store.appendToStream('RepairOrder-3', [testEvent('Counted', { index: 1 }), { ...taken }], { expectedRevision: 'noStream' }),
      store.appendToStream('RepairOrder-4', events(3), { expectedRevision: 'noStream' }),
    ]);
    expect(results.map((result) => (E.isRight(result) ? result.right.events.length : result.left.code))).toEqual([1, 1, 'InvalidAppend', 3]);
    const streams = right(await collect(store.readAll())).map((event) => event.streamId);
    expect(streams).toEqual(['RepairOrder-1', 'RepairOrder-2', 'RepairOrder-4', 'RepairOrder-4', 'RepairOrder-4']);
  });

  it('sets recordedAt from the injected clock', async () => {
    const store = open({ clock: () => new Date('2026-03-02T01:00:00.000Z') });
    const appended = right(await store.appendToStream('Budget-1', events(1), { expectedRevision: 'noStream' }));
    expect(appended.events[0]!.metadata.recordedAt).toBe('2026-03-02T01:00:00.000Z');
  });

  it('reports a row whose JSON was damaged as CorruptedEvent naming its stream and revision', async () => {
    const store = open();
    right(await store.appendToStream('RepairOrder-7', events(3), { expectedRevision: 'noStream' }));
    const raw = new Database(path);
    raw.prepare("UPDATE events SET data = '{\"index\": 1' WHERE stream_id = 'RepairOrder-7' AND revision = 1").run();
    raw.prepare("UPDATE events SET metadata = json_remove(metadata, '$.actor') WHERE stream_id = 'RepairOrder-7' AND revision = 2").run();
    raw.close();

    const stream = await collect(store.readStream('RepairOrder-7'));
    expect(stream).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'RepairOrder-7', revision: 1 })));
    const fromTwo = await collect(store.readStream('RepairOrder-7', { from: 2 }));
    expect(fromTwo).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'RepairOrder-7', revision: 2 })));
    const all = await collect(store.readAll());
    expect(all).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'RepairOrder-7', revision: 1 })));
  });

  it('answers StoreUnavailable when another connection holds the write lock past the busy timeout', async () => {
    const store = open({ busyTimeoutMs: 50 });
    right(await store.appendToStream('Appraisal-1', events(1), { expectedRevision: 'noStream' }));
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const blocked = await store.appendToStream('Appraisal-1', events(1), { expectedRevision: 0 });
    expect(blocked).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', retryable: true })));
    // Readers are not blocked by a writer under WAL.
    expect(right(await collect(store.readStream('Appraisal-1')))).toHaveLength(1);
    other.exec('ROLLBACK');
    other.close();
    expect(right(await store.appendToStream('Appraisal-1', events(1), { expectedRevision: 0 })).nextExpectedRevision).toBe(1);
  });

  it('refuses an event id already stored in another stream', async () => {
    const store = open();
    const [event] = events(1);
    right(await store.appendToStream('Budget-1', [event!], { expectedRevision: 'noStream' }));
    const again = await store.appendToStream('Budget-2', [event!], { expectedRevision: 'noStream' });
    expect(again).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend' })));
    expect(await collect(store.readStream('Budget-2'))).toEqual(E.left(expect.objectContaining({ code: 'StreamNotFound' })));
  });

  it('refuses data that is not JSON without storing anything', async () => {
    const store = open();
    const refused = await store.appendToStream('Budget-1', [testEvent('Odd', { amount: 10n })], { expectedRevision: 'noStream' });
    expect(refused).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend' })));
    expect(right(await collect(store.readAll()))).toEqual([]);
  });

  it('delivers to a subscription what another connection to the file appends', async () => {
    const reader = open({ pollIntervalMs: 10 });
    const writer = open();
    const subscription = reader.subscribeToAll();
    const received: RecordedEvent[] = [];
    const done = (async () => {
      for await (const event of subscription) {
        received.push(event);
        if (received.length === 5) break;
      }
    })();
    await subscription.caughtUp;
    right(await writer.appendToStream('RepairOrder-2', events(2), { expectedRevision: 'noStream' }));
    right(await writer.appendToStream('RepairOrder-3', events(3), { expectedRevision: 'noStream' }));
    await done;
    await subscription.close();
    expect(received.map((event) => `${event.streamId}@${event.revision}`)).toEqual([
      'RepairOrder-2@0',
      'RepairOrder-2@1',
      'RepairOrder-3@0',
      'RepairOrder-3@1',
      'RepairOrder-3@2',
    ]);
  });

  it('ends its subscriptions when it is closed', async () => {
    const store = open();
    const subscription = store.subscribeToAll();
    const done = (async () => {
      const received: RecordedEvent[] = [];
      for await (const event of subscription) received.push(event);
      return received;
    })();
    await subscription.caughtUp;
    await store.close();
    expect(await done).toEqual([]);
  });

  it('reads $all in pages, in order, whatever the page size', async () => {
    const store = open({ readPageSize: 7 });
    for (let stream = 0; stream < 5; stream += 1) right(await store.appendToStream(`RepairOrder-${stream}`, events(9), { expectedRevision: 'noStream' }));
    const all = right(await collect(store.readAll()));
    expect(all).toHaveLength(45);
    expect(all.every((event, index) => index === 0 || event.globalPosition > all[index - 1]!.globalPosition)).toBe(true);
    expect(right(await collect(store.readAll({ after: all[10]!.globalPosition, maxCount: 15 })))).toEqual(all.slice(11, 26));
    expect(right(await collect(store.readStream('RepairOrder-3', { direction: 'backwards' }))).map((event) => event.revision)).toEqual([8, 7, 6, 5, 4, 3, 2, 1, 0]);
  });

  it('refuses a path that is no regular file (a directory, a named pipe, a link to a device) by name, and writes nothing beside it', () => {
    const folder = join(directory, 'a-folder');
    mkdirSync(folder);
    const pipe = join(directory, 'a-pipe');
    execFileSync('mkfifo', [pipe]);
    const device = join(directory, 'a-device');
    symlinkSync('/dev/null', device);
    for (const [target, kind] of [[folder, 'a directory'], [pipe, 'a named pipe'], [device, 'a character device']] as const) {
      expect(SqliteEventStore.open(target)).toEqual(
        E.left(expect.objectContaining({ code: 'StoreUnavailable', message: `opening ${target}: it is ${kind}, not a regular file for SQLite to keep a database in` })),
      );
    }
    expect(readdirSync(directory).sort()).toEqual(['a-device', 'a-folder', 'a-pipe']);
  });

  it('refuses a file written by a newer schema, and a database that is not a store', async () => {
    open();
    await opened.pop()!.close();
    const raw = new Database(path);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    expect(SqliteEventStore.open(path)).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', message: expect.stringContaining('newer') })));

    const foreign = join(directory, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE customers (id INTEGER PRIMARY KEY)');
    other.close();
    expect(SqliteEventStore.open(foreign)).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', message: expect.stringContaining('not an aftersales store') })));
  });

  it('commits the appends of a transaction together, or none of them when it fails or is killed', async () => {
    const store = open();
    await expect(
      store.transaction(async () => {
        right(await store.appendToStream('A', events(2), { expectedRevision: 'noStream' }));
        right(await store.appendToStream('B', events(1), { expectedRevision: 'noStream' }));
        expect(right(await collect(store.readAll()))).toHaveLength(3);
        throw new Error('stopped part way');
      }),
    ).rejects.toThrow('stopped part way');
    expect(right(await collect(store.readAll()))).toEqual([]);

    const other = open({ busyTimeoutMs: 20 });
    await store.transaction(async () => {
      right(await store.appendToStream('A', events(2), { expectedRevision: 'noStream' }));
      // Another connection cannot write in between: the write lock is held until the commit.
      expect(E.isLeft(await other.appendToStream('C', events(1), { expectedRevision: 'noStream' }))).toBe(true);
      right(await store.appendToStream('B', events(1), { expectedRevision: 'noStream' }));
    });
    expect(right(await collect(store.readAll())).map((event) => event.streamId)).toEqual(['A', 'A', 'B']);
  });

  it('keeps settings beside the log: the first claim of a name stands', async () => {
    const store = open();
    expect(right(store.setting('key-store-id'))).toBeUndefined();
    expect(right(store.claimSetting('key-store-id', 'ks-1'))).toBe('ks-1');
    expect(right(store.claimSetting('key-store-id', 'ks-2'))).toBe('ks-1');
    right(store.saveSetting('demo', 'writing'));
    right(store.saveSetting('demo', undefined));
    await store.close();
    const reopened = open();
    expect(right(reopened.setting('key-store-id'))).toBe('ks-1');
    expect(right(reopened.setting('demo'))).toBeUndefined();
    expect(right(await collect(reopened.readAll()))).toEqual([]);
  });

  it('backs the store up to another file that opens as a store', async () => {
    const store = open();
    right(await store.appendToStream('Budget-9', events(4), { expectedRevision: 'noStream' }));
    const copy = join(directory, 'copy.db');
    right(await store.backup(copy));
    const restored = right(SqliteEventStore.open(copy));
    opened.push(restored);
    expect(right(await collect(restored.readStream('Budget-9')))).toEqual(right(await collect(store.readStream('Budget-9'))));
  });

  it('with group commit, commits concurrent appends together while each succeeds or fails on its own', async () => {
    const store = open({ groupCommit: true });
    right(await store.appendToStream('Budget-1', events(1), { expectedRevision: 'noStream' }));
    const [stored] = right(await collect(store.readStream('Budget-1')));
    const results = await Promise.all([
      store.appendToStream('Budget-2', events(2), { expectedRevision: 'noStream' }),
      store.appendToStream('Budget-1', events(1), { expectedRevision: 5 }),
      store.appendToStream('Budget-3', [events(1)[0]!, { ...events(1)[0]!, eventId: stored!.eventId }], { expectedRevision: 'noStream' }),
      store.appendToStream('Budget-1', events(1), { expectedRevision: 0 }),
      store.appendToStream('Budget-1', events(1), { expectedRevision: 0 }),
    ]);
    expect(results.map((result) => (E.isRight(result) ? 'ok' : result.left.code))).toEqual(['ok', 'ConcurrencyConflict', 'InvalidAppend', 'ok', 'ConcurrencyConflict']);
    expect(await collect(store.readStream('Budget-3'))).toEqual(E.left(expect.objectContaining({ code: 'StreamNotFound' })));
    const pending = store.appendToStream('Budget-4', events(3), { expectedRevision: 'noStream' });
    await store.close();
    expect(right(await pending).nextExpectedRevision).toBe(2);
    const reopened = open();
    expect(right(await collect(reopened.readStream('Budget-4')))).toHaveLength(3);
    expect(verifyStreamChain(right(await collect(reopened.readStream('Budget-1'))))).toEqual([]);
  });
});
