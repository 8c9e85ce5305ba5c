import type { RecordedEvent } from '@aftersales/core';
import { collect } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import type { AuditTrailFigures, ChildRebuild } from './compiled-runs.js';
import { buildPackages, measureAuditTrail, perSecond, postgresCpuSeconds, rebuildInChild, round } from './compiled-runs.js';
import { floorRebuild } from './floor.js';
import { openSqlite } from './sqlite.js';

/**
 * The read side's figures at one log size, all over the same SQLite log: rebuilds (with the log's
 * hash verification) into the log's own SQLite file and into PostgreSQL, the floor they are
 * measured against, and `aftersales audit trail` over the rebuilt tables.
 */
export interface ReadSideFigures {
  readonly events: number;
  /** JSON.parse, SHA-256 and the read models' evolve over the same events, per CPU-second. */
  readonly floorEventsPerSecond: number;
  readonly sqlite: {
    /** Events per second of the rebuilding process's CPU time (SQLite works inside it). */
    readonly eventsPerSecond: number;
    readonly wallEventsPerSecond: number;
    readonly peakRssMb: number;
    /** The process's own part of it (`RssAnon`): without the log's pages that SQLite maps into memory. */
    readonly peakAnonymousRssMb: number;
    /** How many times the floor's time the rebuild takes. */
    readonly costOverFloor: number;
  };
  readonly postgres: {
    /** Events per second of CPU time, the client's and the server's processes together. */
    readonly eventsPerSecond: number;
    /** Events per second of the client's CPU time alone. */
    readonly clientEventsPerSecond: number;
    readonly serverCpuSeconds: number;
    readonly wallEventsPerSecond: number;
    readonly peakRssMb: number;
    /** How many times the SQLite rebuild's CPU time the PostgreSQL rebuild takes (both processes counted). */
    readonly costOverSqlite: number;
  };
  readonly auditTrail: AuditTrailFigures;
}

/** The events of a SQLite log, read into memory for the floor. */
const readLog = async (path: string): Promise<RecordedEvent[]> => {
  const store = openSqlite(path);
  try {
    const events = await collect(store.readAll());
    if (E.isLeft(events)) throw new Error(events.left.message);
    return events.right as RecordedEvent[];
  } finally {
    await store.close();
  }
};

const withDatabase = async <A>(url: string, name: string, work: (url: string) => Promise<A>): Promise<A> => {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    const target = new URL(url);
    target.pathname = `/${name}`;
    return await work(target.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.end();
  }
};

export type Progress = (message: string) => void;

/**
 * Every read-side figure over one SQLite log, whose read models this leaves rebuilt in the log's own
 * file. `postgresUrl` is a server the benchmark may create and drop databases in.
 */
export const measureReadSide = async (
  path: string,
  postgresUrl: string,
  progress: Progress = () => undefined,
): Promise<{ readonly figures: ReadSideFigures; readonly sqliteRebuild: ChildRebuild }> => {
  progress('read side: compiling the packages when their sources changed');
  await buildPackages();
  progress('read side: floor (JSON.parse + SHA-256 + evolve)');
  const floor = floorRebuild(await readLog(path));
  const floorEventsPerSecond = perSecond(floor.count, floor.seconds.cpu);

  progress('read side: rebuild from SQLite into the log file (child process)');
  const sqlite = await rebuildInChild(path);
  const sqliteRate = perSecond(sqlite.events, sqlite.seconds.cpu);

  progress('read side: rebuild from SQLite into PostgreSQL (child process)');
  const port = Number(new URL(postgresUrl).port);
  const { postgres, serverCpuSeconds } = await withDatabase(postgresUrl, 'aftersales_bench', async (url) => {
    const before = postgresCpuSeconds(port);
    const run = await rebuildInChild(path, url);
    return { postgres: run, serverCpuSeconds: postgresCpuSeconds(port) - before };
  });
  const postgresCpu = postgres.seconds.cpu + serverCpuSeconds;

  progress('read side: aftersales audit trail');
  const auditTrail = await measureAuditTrail(path);

  return {
    sqliteRebuild: sqlite,
    figures: {
      events: sqlite.events,
      floorEventsPerSecond,
      sqlite: {
        eventsPerSecond: sqliteRate,
        wallEventsPerSecond: perSecond(sqlite.events, sqlite.seconds.wall),
        peakRssMb: Math.round(sqlite.peakRssMb),
        peakAnonymousRssMb: sqlite.peakAnonymousRssMb,
        costOverFloor: round(floorEventsPerSecond / sqliteRate),
      },
      postgres: {
        eventsPerSecond: perSecond(postgres.events, postgresCpu),
        clientEventsPerSecond: perSecond(postgres.events, postgres.seconds.cpu),
        serverCpuSeconds: round(serverCpuSeconds),
        wallEventsPerSecond: perSecond(postgres.events, postgres.seconds.wall),
        peakRssMb: Math.round(postgres.peakRssMb),
        costOverSqlite: round(postgresCpu / sqlite.seconds.cpu),
      },
      auditTrail,
    },
  };
};
