import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, ReadAllOptions, VerificationReport } from '@aftersales/core';
import { createLogVerifier, logHeadOf } from '@aftersales/core';
import type { ReadModelBackend } from '@aftersales/read-models';
import { InMemoryReadModelBackend, PostgresReadModelBackend, SqliteReadModelBackend, createReadModels } from '@aftersales/read-models';
import type { SqliteEventStore } from '@aftersales/sqlite';
import { openSqliteDatabase } from '@aftersales/sqlite';
import pg from 'pg';
import { anonymousRssMb } from './memory.js';
import type { Timing } from './stopwatch.js';
import { Stopwatch } from './stopwatch.js';

export interface RebuildRun {
  readonly events: number;
  /** The largest `RssAnon` seen, sampled every 5,000 events read. */
  readonly peakAnonymousRssMb: number;
  readonly seconds: Timing;
  readonly report: VerificationReport;
}

/**
 * The store as the read models read it, with every event checked against its hash and chain on the
 * way: one read of the log serves the verification and both read models.
 */
const verifying = (store: EventStore, verifier: ReturnType<typeof createLogVerifier>, counted: { events: number; peakAnonymousRssMb: number }): EventStore => ({
  ...logHeadOf(store),
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: (...args) => store.readStream(...args),
  subscribeToAll: (options) => store.subscribeToAll(options),
  close: () => store.close(),
  readAll: async function* (options?: ReadAllOptions) {
    for await (const event of store.readAll(options)) {
      verifier.add(event);
      counted.events += 1;
      if (counted.events % 5000 === 0) counted.peakAnonymousRssMb = Math.max(counted.peakAnonymousRssMb, anonymousRssMb());
      yield event;
    }
  },
});

/** Rebuilds both read models from the log into a backend, verifying the log as it is read. */
export const rebuildInto = async (store: EventStore, backend: ReadModelBackend, batchSize?: number): Promise<RebuildRun> => {
  const verifier = createLogVerifier([]);
  const counted = { events: 0, peakAnonymousRssMb: anonymousRssMb() };
  const models = createReadModels({ store: verifying(store, verifier, counted), backend, ...(batchSize === undefined ? {} : { batchSize }) });
  const stopwatch = new Stopwatch();
  const rebuilt = await stopwatch.timeAsync(() => models.rebuild());
  if (E.isLeft(rebuilt)) throw new Error(`rebuild failed: ${rebuilt.left.message}`);
  const report = verifier.finish();
  if (!report.intact) throw new Error(`the log does not verify: ${report.problemCount} problems`);
  return { events: counted.events, peakAnonymousRssMb: Math.round(Math.max(counted.peakAnonymousRssMb, anonymousRssMb())), seconds: stopwatch.seconds, report };
};

/** Rebuilds into the in-memory backend. */
export const rebuildReadModels = (store: EventStore): Promise<RebuildRun> => rebuildInto(store, new InMemoryReadModelBackend());

/** Rebuilds into a SQLite file of its own in a temporary folder, removed afterwards. */
export const rebuildIntoSqlite = async (store: EventStore): Promise<RebuildRun> => {
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-bench-read-models-'));
  const opened = openSqliteDatabase(join(folder, 'read-models.db'));
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  try {
    return await rebuildInto(store, new SqliteReadModelBackend(opened.right));
  } finally {
    opened.right.close();
    rmSync(folder, { recursive: true, force: true });
  }
};

/** Rebuilds into the log's own SQLite file, where the CLI looks for the read models by default. */
export const rebuildIntoLogFile = (store: SqliteEventStore, batchSize?: number): Promise<RebuildRun> =>
  rebuildInto(store, new SqliteReadModelBackend(store.database()), batchSize);

/** Rebuilds into a PostgreSQL database, over a pool of its own closed afterwards. */
export const rebuildIntoPostgres = async (store: EventStore, url: string, batchSize?: number): Promise<RebuildRun> => {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  try {
    return await rebuildInto(store, new PostgresReadModelBackend(pool), batchSize);
  } finally {
    await pool.end();
  }
};
