import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RecordedEvent } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { SqliteKeyStore } from '@aftersales/sqlite';
import * as E from 'fp-ts/lib/Either.js';
import Table from 'cli-table3';
import pg from 'pg';
import { floorRebuild } from './floor.js';
import type { Timing } from './stopwatch.js';
import type { ServiceFigures } from './service.js';
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

export interface AuditTrailFigures {
  /** From spawning `aftersales audit trail` to the first bytes of its first page on stdout. */
  readonly firstPageMs: number;
  /** The same for `aftersales --version`: starting Node and the CLI, the part of the above that is not the trail's. */
  readonly startupMs: number;
  /** The whole trail as JSON: entries, bytes, time, and the process's peak resident memory. */
  readonly entries: number;
  readonly megabytes: number;
  readonly wholeTrailSeconds: number;
  readonly peakRssMb: number;
  /** Peak resident memory of `aftersales --version`, for comparison. */
  readonly startupPeakRssMb: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '..', '..', '..');
const cliMain = join(repositoryRoot, 'packages', 'cli', 'dist', 'main.js');

/** The packages the CLI and the rebuild's child process run on, each after those it imports. */
const COMPILED_PACKAGES = ['core', 'domain', 'eventstoredb', 'sqlite', 'read-models', 'service', 'cli', 'bench'] as const;
const packageFolder = (name: string): string => join(repositoryRoot, 'packages', name);
const rebuildChild = join(packageFolder('bench'), 'dist', 'rebuild-child.js');

const newestSource = (folder: string): number => {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
};

/**
 * Compiles the packages (`tsc -p tsconfig.build.json` in each, as `pnpm build` does) unless their
 * JavaScript is newer than every source file, so that the CLI and the rebuild are measured as users
 * run them: JavaScript, nothing transpiled at start and no TypeScript loader in memory.
 */
export const buildPackages = async (): Promise<void> => {
  const built = (name: string) => {
    const folder = join(packageFolder(name), 'dist');
    return existsSync(folder) && newestSource(folder) >= newestSource(join(packageFolder(name), 'src'));
  };
  if (COMPILED_PACKAGES.every(built)) return;
  const tsc = join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const name of COMPILED_PACKAGES) {
    await promisify(execFile)(process.execPath, [tsc, '-p', join(packageFolder(name), 'tsconfig.build.json')], { cwd: repositoryRoot, maxBuffer: 1 << 24 });
  }
};

/** Loaded with `--import` into the spawned CLI: at exit, its peak resident memory as the last line of stderr. */
const reportPeakRss = `data:text/javascript,${encodeURIComponent(
  "process.on('exit', () => process.stderr.write('\\n' + JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n'));",
)}`;

export interface ChildRebuild {
  readonly events: number;
  readonly seconds: Timing;
  readonly peakRssMb: number;
  readonly peakAnonymousRssMb: number;
}

/**
 * Runs a rebuild from the SQLite log in a child process (compiled: `buildPackages` first), whose peak
 * resident memory is then its own: into the log's file, or into PostgreSQL when a connection string is given.
 */
export const rebuildInChild = async (path: string, postgresUrl?: string): Promise<ChildRebuild> => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--max-old-space-size=8192', rebuildChild, path, ...(postgresUrl === undefined ? [] : [postgresUrl])], {
    cwd: repositoryRoot,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildRebuild;
};

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
const perSecond = (count: number, seconds: number): number => (seconds > 0 ? Math.round(count / seconds) : 0);

interface Spawned {
  readonly firstBytesMs: number;
  readonly totalMs: number;
  readonly bytes: number;
  readonly lines: number;
  readonly peakRssMb: number;
}

/**
 * Runs the compiled CLI as a user would (`buildPackages` first), timing the first bytes on stdout and
 * counting what follows without keeping it; an `--import` of a few lines reports its peak memory.
 */
const spawnCli = (args: readonly string[], stopAfterFirstBytes = false): Promise<Spawned> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', reportPeakRss, cliMain, ...args], {
      cwd: repositoryRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstBytesMs = -1;
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstBytesMs < 0) {
        firstBytesMs = performance.now() - started;
        if (stopAfterFirstBytes) child.kill('SIGTERM');
      }
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0 && !(stopAfterFirstBytes && signal === 'SIGTERM')) {
        reject(new Error(`aftersales ${args.join(' ')} exited with ${code ?? signal}: ${stderr}`));
        return;
      }
      const reported = /\{"peakRssMb":[\d.]+\}\s*$/.exec(stderr);
      const peakRssMb = reported === null ? 0 : (JSON.parse(reported[0]) as { peakRssMb: number }).peakRssMb;
      resolve({ firstBytesMs, totalMs: performance.now() - started, bytes, lines, peakRssMb });
    });
  });

/**
 * `aftersales audit trail` over a log whose read models are in its own file and up to date, with a
 * keys file beside it as a log the CLI wrote has (`shop.db` → `shop.keys.db`). Without one, the CLI
 * first reads every event that can hold personal data to make sure none is encrypted (about 3 CPU
 * seconds at a million events), which is not the trail's cost.
 */
export const measureAuditTrail = async (path: string): Promise<AuditTrailFigures> => {
  const keys = SqliteKeyStore.open(path.endsWith('.db') ? `${path.slice(0, -'.db'.length)}.keys.db` : `${path}.keys`);
  if (E.isLeft(keys)) throw new Error(keys.left.message);
  keys.right.close();
  const store = ['--store', `sqlite:${path}`];
  const startup = await spawnCli(['--version']);
  const firstPage = await spawnCli(['audit', 'trail', ...store], true);
  const whole = await spawnCli(['audit', 'trail', '--json', ...store]);
  return {
    firstPageMs: round(firstPage.firstBytesMs, 0),
    startupMs: round(startup.firstBytesMs, 0),
    // One entry a line, between the opening and the closing bracket.
    entries: Math.max(0, whole.lines - 2),
    megabytes: round(whole.bytes / 2 ** 20, 1),
    wholeTrailSeconds: round(whole.totalMs / 1000, 1),
    peakRssMb: Math.round(whole.peakRssMb),
    startupPeakRssMb: Math.round(startup.peakRssMb),
  };
};

/**
 * CPU seconds used so far by a PostgreSQL cluster's processes: the postmaster's own and those of
 * the backends it has reaped (Linux's `cutime` and `cstime`), and those of its live children.
 */
export const postgresCpuSeconds = (port: number): number => {
  const ticksPerSecond = 100;
  const stat = (pid: string): string[] | undefined => {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return text.slice(text.lastIndexOf(')') + 2).split(' ');
    } catch {
      return undefined;
    }
  };
  const pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  const postmaster = pids.find((pid) => {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0]?.endsWith('/postgres') === true && argv.includes(String(port));
    } catch {
      return false;
    }
  });
  if (postmaster === undefined) throw new Error(`no PostgreSQL server found on port ${port}`);
  // Fields after the command name: state ppid … utime(11) stime(12) cutime(13) cstime(14).
  const own = stat(postmaster)!;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const pid of pids) {
    const fields = stat(pid);
    if (fields?.[1] === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / ticksPerSecond;
};

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

/** The read side's targets (issue 12), judged at the largest size measured. */
export const readSideTargets = {
  rebuildPeakRssMb: 300,
  /** The largest size's peak over the one before it (1M events over 100k in a full run). */
  rebuildPeakRssGrowth: 1.3,
  rebuildEventsPerSecondSqlite: 150_000,
  auditTrailFirstPageMs: 1000,
  serviceQueryP99Ms: 50,
  /** Command throughput with queries over without: within 20%. */
  serviceThroughputRatio: 0.8,
} as const;

export interface ReadSideResult {
  readonly sizes: readonly ReadSideFigures[];
  readonly rebuildPeakRssGrowth?: number;
  readonly service: ServiceFigures;
  readonly targetsMet: Readonly<Record<keyof typeof readSideTargets, boolean>>;
}

export const summariseReadSide = (sizes: readonly ReadSideFigures[], service: ServiceFigures): ReadSideResult => {
  const largest = sizes.at(-1);
  if (largest === undefined) throw new Error('no size was measured');
  const before = sizes.at(-2);
  const growth = before === undefined ? undefined : round(largest.sqlite.peakRssMb / before.sqlite.peakRssMb);
  return {
    sizes,
    ...(growth === undefined ? {} : { rebuildPeakRssGrowth: growth }),
    service,
    targetsMet: {
      rebuildPeakRssMb: largest.sqlite.peakRssMb <= readSideTargets.rebuildPeakRssMb,
      rebuildPeakRssGrowth: growth !== undefined && growth <= readSideTargets.rebuildPeakRssGrowth,
      rebuildEventsPerSecondSqlite: largest.sqlite.eventsPerSecond >= readSideTargets.rebuildEventsPerSecondSqlite,
      auditTrailFirstPageMs: largest.auditTrail.firstPageMs < readSideTargets.auditTrailFirstPageMs,
      serviceQueryP99Ms: service.withQueries.queryP99Ms <= readSideTargets.serviceQueryP99Ms,
      serviceThroughputRatio: service.throughputRatio >= readSideTargets.serviceThroughputRatio,
    },
  };
};

const plain = { head: [], border: [] };
const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const yes = (met: boolean): string => (met ? 'yes' : 'no');

/** The read side's figures as tables for people. */
export const formatReadSide = (result: ReadSideResult): string => {
  const { sizes, service } = result;
  const figures = new Table({ style: plain, head: ['read side', ...sizes.map((size) => `${count(size.events)} events`)] });
  const row = (label: string, pick: (size: ReadSideFigures) => string) => figures.push([label, ...sizes.map(pick)]);
  row('floor events/CPU-s (JSON.parse + SHA-256 + evolve)', (size) => count(size.floorEventsPerSecond));
  row('rebuild SQLite → SQLite, verified, events/CPU-s', (size) => count(size.sqlite.eventsPerSecond));
  row('  cost over the floor', (size) => `${size.sqlite.costOverFloor.toFixed(2)}×`);
  row('  events/s by the wall clock', (size) => count(size.sqlite.wallEventsPerSecond));
  row('  peak RSS MB (own process; its own memory without mapped files)', (size) => `${count(size.sqlite.peakRssMb)} (${count(size.sqlite.peakAnonymousRssMb)})`);
  row('rebuild SQLite → PostgreSQL, events/CPU-s (client + server)', (size) => count(size.postgres.eventsPerSecond));
  row('  client alone, events/CPU-s', (size) => count(size.postgres.clientEventsPerSecond));
  row('  cost over the SQLite rebuild (CPU)', (size) => `${size.postgres.costOverSqlite.toFixed(2)}×`);
  row('  events/s by the wall clock', (size) => count(size.postgres.wallEventsPerSecond));
  row('  peak RSS MB (client process)', (size) => count(size.postgres.peakRssMb));
  row('audit trail: first page ms (spawn to first bytes)', (size) => count(size.auditTrail.firstPageMs));
  row('  start-up alone ms (aftersales --version)', (size) => count(size.auditTrail.startupMs));
  row('  whole trail as JSON: entries, MB, s', (size) => `${count(size.auditTrail.entries)}, ${size.auditTrail.megabytes}, ${size.auditTrail.wholeTrailSeconds}`);
  row('  peak RSS MB of the whole trail (start-up alone)', (size) => `${count(size.auditTrail.peakRssMb)} (${count(size.auditTrail.startupPeakRssMb)})`);
  const scenario = new Table({ style: plain, head: [`service: ${service.callers} callers, ${service.queriers} KPI queriers, log of ${count(service.orders)} orders`, 'figure'] });
  scenario.push(
    ['commands sent per run (refused)', `${count(service.commands)} (${service.withoutQueries.refused})`],
    ['commands/s without queries (wall clock)', count(service.withoutQueries.commandsPerSecond)],
    ['commands/s with queries (wall clock)', count(service.withQueries.commandsPerSecond)],
    ['throughput with / without queries', service.throughputRatio.toFixed(2)],
    ['queries answered', count(service.withQueries.queries)],
    ['query p50 / p99 / max ms', `${service.withQueries.queryP50Ms} / ${service.withQueries.queryP99Ms} / ${service.withQueries.queryMaxMs}`],
    ['  months asked for the first time: count, p50 ms', `${service.withQueries.firstAsks}, ${service.withQueries.firstAskP50Ms}`],
    ['  the months asked again: p99 ms', String(service.withQueries.repeatedQueryP99Ms)],
    ['queries answered behind the head (no wait), most events behind', `${count(service.withQueries.answeredBehindHead)}, ${count(service.withQueries.maxLagEvents)}`],
  );
  const met = new Table({ style: plain, head: ['read-side target (largest size)', 'figure', 'met'] });
  const largest = sizes.at(-1)!;
  met.push(
    [`≤ ${readSideTargets.rebuildPeakRssMb} MB peak RSS of the SQLite rebuild`, count(largest.sqlite.peakRssMb), yes(result.targetsMet.rebuildPeakRssMb)],
    [`≤ ${readSideTargets.rebuildPeakRssGrowth}× that peak over the size before`, result.rebuildPeakRssGrowth === undefined ? 'one size only' : `${result.rebuildPeakRssGrowth}×`, yes(result.targetsMet.rebuildPeakRssGrowth)],
    [`≥ ${count(readSideTargets.rebuildEventsPerSecondSqlite)} events/CPU-s, SQLite → SQLite verified`, count(largest.sqlite.eventsPerSecond), yes(result.targetsMet.rebuildEventsPerSecondSqlite)],
    [`< ${count(readSideTargets.auditTrailFirstPageMs)} ms to the audit trail's first page`, count(largest.auditTrail.firstPageMs), yes(result.targetsMet.auditTrailFirstPageMs)],
    [`≤ ${readSideTargets.serviceQueryP99Ms} ms KPI query p99 under load`, String(service.withQueries.queryP99Ms), yes(result.targetsMet.serviceQueryP99Ms)],
    [`commands/s with queries ≥ ${readSideTargets.serviceThroughputRatio} × without`, service.throughputRatio.toFixed(2), yes(result.targetsMet.serviceThroughputRatio)],
  );
  return [figures.toString(), scenario.toString(), met.toString()].join('\n');
};
