import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startThrowawayPostgres } from '@aftersales/read-models/testing';
import type { BenchmarkResult } from './report.js';
import { summarise } from './report.js';
import type { ReadSideFigures } from './read-side.js';
import { measureReadSide } from './read-side.js';
import type { ReadSideResult } from './read-side-report.js';
import { summariseReadSide } from './read-side-report.js';
import type { Progress, SizeFigures } from './run.js';
import { measureSize } from './run.js';
import { measureService } from './service.js';
import { runCommands } from './pipeline.js';
import { openSqlite, temporarySqliteStore } from './sqlite.js';
import { fullSizes, ordersFor } from './workload.js';

export interface BenchmarkOptions {
  /** Log sizes in events, smallest first; the full run's three by default. */
  readonly sizes?: readonly number[];
  readonly progress?: Progress;
  /** The length of the stream whose load is timed (10,000 events by default). */
  readonly longStreamEvents?: number;
  /** Repair orders in the service scenario's log (20,000 by default). */
  readonly serviceOrders?: number;
  /**
   * A folder of logs kept between read-side runs: `<events>.db` is used when it is there, and
   * written there (untimed) when it is not. Temporary logs by default.
   */
  readonly logs?: string;
}

/** Default size of the service scenario's log: the issue asks for 20k orders or more. */
export const SERVICE_ORDERS = 20_000;

/** A log file written before: there and not empty. */
const existed = (path: string): boolean => existsSync(path) && statSync(path).size > 0;

/** Runs `work` with a throwaway PostgreSQL cluster of its own (or `AFTERSALES_TEST_POSTGRES_URL`), stopped afterwards. */
const withPostgres = async <A>(work: (url: string) => Promise<A>): Promise<A> => {
  const given = process.env['AFTERSALES_TEST_POSTGRES_URL'];
  if (given !== undefined && given !== '') return work(given);
  const server = await startThrowawayPostgres();
  try {
    return await work(server.url);
  } finally {
    server.stop();
  }
};

/** Measures every size in turn and summarises them: the figures of the largest size are the headline. */
export const runBenchmark = async (options: BenchmarkOptions = {}): Promise<BenchmarkResult> => {
  const progress = options.progress ?? (() => undefined);
  const measured = await withPostgres(async (url) => {
    const sizes: SizeFigures[] = [];
    for (const size of options.sizes ?? fullSizes) sizes.push(await measureSize(size, url, progress, options.longStreamEvents));
    return sizes;
  });
  const service = await measureService(options.serviceOrders ?? SERVICE_ORDERS, { progress });
  return summarise(measured, summariseReadSide(measured.map((size) => size.readSide), service));
};

/**
 * The read side's figures alone (`pnpm bench --read-side`): per size, a SQLite log written by the
 * command pipeline (untimed here), then the rebuilds, the floor and the audit trail over it; then the
 * service scenario.
 */
export const runReadSideBenchmark = async (options: Omit<BenchmarkOptions, 'longStreamEvents'> = {}): Promise<ReadSideResult> => {
  const progress = options.progress ?? (() => undefined);
  const measured = await withPostgres(async (url) => {
    const sizes: ReadSideFigures[] = [];
    for (const size of options.sizes ?? fullSizes) {
      const kept = options.logs === undefined ? undefined : join(options.logs, `${size}.db`);
      const written = kept !== undefined && existed(kept);
      const log = kept === undefined ? temporarySqliteStore('read-side') : { path: kept, store: openSqlite(kept), remove: async () => undefined };
      try {
        if (!written) {
          progress(`${size} events: writing the log`);
          await runCommands(log.store, ordersFor(size));
        }
        await log.store.close();
        sizes.push((await measureReadSide(log.path, url, (message) => progress(`${size} events: ${message}`))).figures);
      } finally {
        await log.remove();
      }
    }
    return sizes;
  });
  const serviceOrders = options.serviceOrders ?? SERVICE_ORDERS;
  const service = await measureService(serviceOrders, { progress, ...(options.logs === undefined ? {} : { keptLog: join(options.logs, `service-${serviceOrders}.db`) }) });
  return summariseReadSide(measured, service);
};
