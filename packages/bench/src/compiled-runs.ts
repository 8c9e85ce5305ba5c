import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SqliteKeyStore } from '@aftersales/sqlite';
import * as E from 'fp-ts/lib/Either.js';
import type { Timing } from './stopwatch.js';

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

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
export const perSecond = (count: number, seconds: number): number => (seconds > 0 ? Math.round(count / seconds) : 0);

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
