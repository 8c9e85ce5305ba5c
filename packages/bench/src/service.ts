import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import type { DepartmentCommandJson } from '@aftersales/domain/simulation';
import { simulateYear } from '@aftersales/domain/simulation';
import type { ReadModels } from '@aftersales/read-models';
import { SqliteReadModelBackend, createReadModels } from '@aftersales/read-models';
import { openDepartment } from './department.js';
import { runCommands } from './pipeline.js';
import { openSqlite } from './sqlite.js';
import { SEED } from './workload.js';

/**
 * A service that embeds the library, in one process: command callers and KPI queriers share one
 * SQLite store whose read models a running `start()`ed read side follows, over a log that already
 * holds a simulated year of `orders` repair orders.
 */
export interface ServiceFigures {
  /** Repair orders in the log before the timed run (the queried year). */
  readonly orders: number;
  readonly callers: number;
  readonly queriers: number;
  /** Commands each timed run sends (a further year's orders, new streams and old ones alike). */
  readonly commands: number;
  readonly withoutQueries: { readonly commandsPerSecond: number; readonly refused: number };
  readonly withQueries: {
    readonly commandsPerSecond: number;
    readonly refused: number;
    readonly queries: number;
    readonly queryP50Ms: number;
    readonly queryP99Ms: number;
    readonly queryMaxMs: number;
    /** The queries asked for the first time (one per month): each judges every subject of its month. */
    readonly firstAsks: number;
    readonly firstAskP50Ms: number;
    /** The p99 of the other queries, the same months asked again. */
    readonly repeatedQueryP99Ms: number;
    /** Queries that answered from a position below the log's head when they were asked: they did not wait for the read side. */
    readonly answeredBehindHead: number;
    /** The most events a query's answer lagged behind the head when it was asked. */
    readonly maxLagEvents: number;
  };
  /** Command throughput with queries over throughput without: 1 when queries cost the callers nothing. */
  readonly throughputRatio: number;
}

/** The further year's commands, each aggregate's in order and every aggregate given to one caller. */
const commandsByCaller = (orders: number, callers: number): DepartmentCommandJson[][] => {
  const queues: DepartmentCommandJson[][] = Array.from({ length: callers }, () => []);
  const callerOf = new Map<string, number>();
  for (const command of simulateYear({ seed: SEED + 1, orders, year: 2027 })) {
    const aggregate = command.metadata.commandId.slice(0, command.metadata.commandId.lastIndexOf('/'));
    let caller = callerOf.get(aggregate);
    if (caller === undefined) {
      caller = callerOf.size % callers;
      callerOf.set(aggregate, caller);
    }
    queues[caller]!.push(command);
  }
  return queues;
};

const percentile = (sorted: readonly number[], fraction: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

interface RunResult {
  readonly commands: number;
  readonly refused: number;
  readonly seconds: number;
  readonly latencies: number[];
  /** The latencies of the queries asked for the first time. */
  readonly firstLatencies: number[];
  readonly lags: number[];
}

/** One timed run over a copy of the base log: callers send their queues while queriers ask for KPIs until they are done. */
const runService = async (basePath: string, runPath: string, queues: readonly DepartmentCommandJson[][], queriers: number): Promise<RunResult> => {
  copyFileSync(basePath, runPath);
  const store = openSqlite(runPath);
  const models: ReadModels = createReadModels({ store, backend: new SqliteReadModelBackend(store.database()) });
  const started = await models.start();
  if (E.isLeft(started)) throw new Error(started.left.message);
  const department = openDepartment(store);
  let head = -1n;
  let refused = 0;
  let sending = true;
  const latencies: number[] = [];
  const firstLatencies: number[] = [];
  const asked = new Set<string>();
  const lags: number[] = [];
  const begin = performance.now();
  const caller = async (queue: readonly DepartmentCommandJson[]) => {
    for (const command of queue) {
      // Each command arrives as a request would, from the event loop: callers, queriers and the read side take turns.
      await nextTurn();
      const result = await department.handleUntrusted(command);
      if (E.isLeft(result)) refused += 1;
      else for (const event of result.right.events) if (event.globalPosition > head) head = event.globalPosition;
    }
  };
  const querier = async (index: number) => {
    for (let round = index; sending; round += queriers) {
      const headAtAsk = head;
      const period = `2026-${String((round % 12) + 1).padStart(2, '0')}`;
      const askedAt = performance.now();
      const answer = await models.kpis({ period, asOf: '2026-12-31T23:59:59Z' });
      const latency = performance.now() - askedAt;
      latencies.push(latency);
      if (!asked.has(period)) firstLatencies.push(latency);
      asked.add(period);
      if (E.isLeft(answer)) throw new Error(answer.left.message);
      lags.push(Number(headAtAsk - (answer.right.position ?? -1n)));
      await nextTurn();
    }
  };
  const asking = Array.from({ length: queriers }, (_, index) => querier(index));
  await Promise.all(queues.map(caller));
  const seconds = (performance.now() - begin) / 1000;
  sending = false;
  await Promise.all(asking);
  const stopped = await models.stop();
  await store.close();
  if (E.isLeft(stopped)) throw new Error(stopped.left.message);
  return { commands: queues.reduce((sum, queue) => sum + queue.length, 0), refused, seconds, latencies, firstLatencies, lags };
};

/**
 * The service scenario: a log of `orders` orders with its read models caught up, then the same
 * further commands sent by `callers` concurrent callers twice, on two copies of that log: alone,
 * and while `queriers` others query a month's KPIs of the first year in a loop. Times are by the
 * wall clock: the callers and queriers share one process, as they would in a service.
 */
export const measureService = async (
  orders: number,
  options: {
    readonly callers?: number;
    readonly queriers?: number;
    readonly furtherOrders?: number;
    readonly progress?: (message: string) => void;
    /** Where the base log is kept between runs: written there when missing, used again (its read models caught up) when present. */
    readonly keptLog?: string;
  } = {},
): Promise<ServiceFigures> => {
  const callers = options.callers ?? 32;
  const queriers = options.queriers ?? 4;
  const progress = options.progress ?? (() => undefined);
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-bench-service-'));
  try {
    const basePath = options.keptLog ?? join(folder, 'base.db');
    const written = existsSync(basePath);
    progress(written ? `service: the kept log ${basePath}, its read models caught up` : `service: a log of ${orders} orders and its read models`);
    const base = openSqlite(basePath);
    if (!written) await runCommands(base, orders);
    const caughtUp = await createReadModels({ store: base, backend: new SqliteReadModelBackend(base.database()) }).catchUp();
    // Closed before it is copied, so that the copy holds everything (the write-ahead log is checkpointed at close).
    await base.close();
    if (E.isLeft(caughtUp)) throw new Error(caughtUp.left.message);
    const queues = commandsByCaller(options.furtherOrders ?? Math.max(1, Math.round(orders / 40)), callers);
    progress(`service: ${callers} callers without queries`);
    const alone = await runService(basePath, join(folder, 'alone.db'), queues, 0);
    progress(`service: ${callers} callers while ${queriers} query KPIs`);
    const loaded = await runService(basePath, join(folder, 'queried.db'), queues, queriers);
    const sorted = [...loaded.latencies].sort((a, b) => a - b);
    const firsts = [...loaded.firstLatencies].sort((a, b) => a - b);
    const repeated = [...sorted];
    for (const first of firsts) repeated.splice(repeated.indexOf(first), 1);
    const withoutRate = alone.commands / alone.seconds;
    const withRate = loaded.commands / loaded.seconds;
    return {
      orders,
      callers,
      queriers,
      commands: alone.commands,
      withoutQueries: { commandsPerSecond: Math.round(withoutRate), refused: alone.refused },
      withQueries: {
        commandsPerSecond: Math.round(withRate),
        refused: loaded.refused,
        queries: sorted.length,
        queryP50Ms: round(percentile(sorted, 0.5)),
        queryP99Ms: round(percentile(sorted, 0.99)),
        queryMaxMs: round(sorted.at(-1) ?? 0),
        firstAsks: firsts.length,
        firstAskP50Ms: round(percentile(firsts, 0.5)),
        repeatedQueryP99Ms: round(percentile(repeated, 0.99)),
        answeredBehindHead: loaded.lags.filter((lag) => lag > 0).length,
        maxLagEvents: Math.max(0, ...loaded.lags),
      },
      throughputRatio: Number((withRate / withoutRate).toFixed(2)),
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
};
