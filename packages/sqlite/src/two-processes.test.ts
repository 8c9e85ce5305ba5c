import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import { collect } from '@aftersales/core';
import { verifyStreamChain } from '@aftersales/core/adapter-kit';
import { SqliteEventStore } from './event-store.js';

const run = promisify(execFile);
const packageDirectory = fileURLToPath(new URL('..', import.meta.url));
const appender = fileURLToPath(new URL('./concurrent-appender.fixture.ts', import.meta.url));

const Report = z.object({
  worker: z.string(),
  appended: z.array(z.string()),
  outcomes: z.record(z.string(), z.number()),
  unexpected: z.array(z.string()),
});

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'aftersales-sqlite-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

it('keeps every stream gapless and chained when three processes create one file and append to the same streams', { timeout: 120_000 }, async () => {
  const path = join(directory, 'shared.db');
  const streams = 3;
  const attempts = 300;
  const startAt = Date.now() + 2_000;
  const workers = await Promise.all(
    ['first', 'second', 'third'].map((worker) =>
      run(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', appender, path, worker, String(streams), String(attempts), String(startAt)], {
        cwd: packageDirectory,
      }),
    ),
  );
  const reports = workers.map(({ stdout }) => Report.parse(JSON.parse(stdout)));
  for (const report of reports) {
    expect(report.unexpected).toEqual([]);
    expect(Object.values(report.outcomes).reduce((sum, count) => sum + count, 0)).toBe(attempts);
  }

  const opened = SqliteEventStore.open(path);
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const store = opened.right;
  try {
    const all = await collect(store.readAll());
    if (E.isLeft(all)) throw new Error(all.left.message);
    const stored = all.right.map((event) => event.eventId);
    const acknowledged = reports.flatMap((report) => report.appended);
    expect(new Set(stored).size).toBe(stored.length);
    expect([...stored].sort()).toEqual([...acknowledged].sort());
    for (let index = 0; index < streams; index += 1) {
      const stream = all.right.filter((event) => event.streamId === `RepairOrder-${index}`);
      expect(stream.map((event) => event.revision)).toEqual(stream.map((_, revision) => revision));
      expect(verifyStreamChain(stream)).toEqual([]);
    }
  } finally {
    await store.close();
  }
});
