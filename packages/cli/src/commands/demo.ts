import { isAbsolute, relative, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import Table from 'cli-table3';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { EventStore } from '@aftersales/core';
import { isStoreFailure } from '@aftersales/core';
import type { DepartmentCommandJson } from '@aftersales/domain/simulation';
import { deliberateRefusals, simulateYear } from '@aftersales/domain/simulation';
import type { KpiResult } from '@aftersales/read-models';
import { formatRate, formatTarget, kpiIds } from '@aftersales/read-models';
import { CliError, ExitCode, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption } from '../context.js';
import { isStoreFailureCode, openDepartment } from '../department.js';
import { derivedKeyPath, keyStorePath } from '@aftersales/service';
import { catchUp, checkReadModelsUrl, readModelError, withReadModels } from '../read-models.js';
import { sealAfterWriting } from '../sealing.js';
import type { OpenedStore, StoreLocation } from '../store-url.js';
import { DEMO_MARK, KEYS_VARIABLE, deleteSqliteFile, describeLocation, locate, openStore, storeFlag } from '../store-url.js';
import { FIRST_YEAR, LAST_YEAR } from '../instants.js';
import { wholeNumberOption } from '../options.js';
import { verdict } from './kpi.js';

/** Small enough to finish in seconds on a laptop, large enough for every KPI to have misses worth reading. */
export const DEFAULT_ORDERS = 1000;
export const DEFAULT_SEED = 2026;
export const DEFAULT_YEAR = 2026;

interface DemoOptions {
  readonly store: string;
  readonly orders: string;
  readonly seed: string;
  readonly year: string;
  readonly readModels?: string;
}

const firstEventAfter = async (store: EventStore, after: bigint | undefined): Promise<bigint | undefined> => {
  try {
    let first: bigint | undefined;
    for await (const event of store.readAll({ ...(after === undefined ? {} : { after }), maxCount: 1 })) first = event.globalPosition;
    return first;
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw storeError(thrown.error);
    throw thrown;
  }
};

/** The position of the last event of the log, read from `after` on (the log's tail, when `after` is near the end). */
const lastPosition = async (store: EventStore, after: bigint | undefined): Promise<bigint | undefined> => {
  let last = after;
  try {
    for await (const event of store.readAll(after === undefined ? {} : { after })) last = event.globalPosition;
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw storeError(thrown.error);
    throw thrown;
  }
  return last;
};

/**
 * The demo's mark in its store, set before its first write: `writing` while it runs (so a killed demo
 * can be redone), then `written` with the position of the last event it wrote.
 */
const DemoMark = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('writing') }),
  z.strictObject({ state: z.literal('written'), lastPosition: z.string().regex(/^\d+$/) }),
]);
type DemoMark = z.infer<typeof DemoMark>;

const readMark = async (opened: OpenedStore): Promise<DemoMark | undefined> => {
  const text = await opened.settings?.get(DEMO_MARK);
  if (text === undefined) return undefined;
  try {
    const parsed = DemoMark.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

const writeMark = async (opened: OpenedStore, mark: DemoMark): Promise<void> => opened.settings?.set(DEMO_MARK, JSON.stringify(mark));

/** Whether the store holds exactly what an earlier demo wrote: it finished and nothing came after, or it was stopped while writing. */
const onlyTheDemos = async (opened: OpenedStore): Promise<boolean> => {
  const mark = await readMark(opened);
  if (mark === undefined) return false;
  if (mark.state === 'writing') return true;
  return (await firstEventAfter(opened.raw, BigInt(mark.lastPosition))) === undefined;
};

/**
 * Opens an empty store for the demo, marked as the demo's before anything is written. A SQLite file
 * that holds only what an earlier demo wrote is deleted and created again; a store that holds any
 * event the demo did not write is left alone and refused.
 */
const openFresh = async (location: StoreLocation, context: CliContext): Promise<OpenedStore> => {
  let opened = await openStore(location, { demo: true, env: context.env });
  if ((await firstEventAfter(opened.raw, undefined)) !== undefined) {
    const replaceable = location.kind === 'sqlite' && (await onlyTheDemos(opened));
    await opened.close();
    if (location.kind !== 'sqlite' || !replaceable) {
      throw usageError(
        `${describeLocation(location)} already holds events the demo did not write, and the demo deletes only its own: pass another --store (e.g. --store sqlite:./demo.db)`,
      );
    }
    context.stderr.write(`Replacing the previous demo in ${location.path}\n`);
    deleteSqliteFile(location.path);
    // The keys beside the file were this log's alone; keys kept elsewhere (AFTERSALES_KEYS) may serve other logs.
    if (!context.env[KEYS_VARIABLE]) deleteSqliteFile(derivedKeyPath(location.path));
    opened = await openStore(location, { demo: true, env: context.env });
  }
  await writeMark(opened, { state: 'writing' });
  return opened;
};

interface Progress {
  tick(command: DepartmentCommandJson): void;
  stop(): void;
}

const progressOf = (context: CliContext, total: number): Progress => {
  if (!context.interactive) {
    context.stderr.write(`Simulating ${total} commands…\n`);
    return { tick: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar(
    {
      stream: context.stderr,
      format: 'Simulating the year |{bar}| {percentage}% | {value}/{total} commands | {day}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 1000,
    },
    undefined,
  );
  bar.start(total, 0, { day: '' });
  let done = 0;
  return {
    tick: (command) => {
      done += 1;
      if (done % 250 === 0 || done === total) bar.update(done, { day: command.metadata.at.slice(0, 10) });
    },
    stop: () => bar.stop(),
  };
};

const cell = (result: KpiResult | undefined, withCounts: boolean): string => {
  if (result === undefined || result.rate === null) return '—';
  const counts = withCounts ? ` (${result.numerator}/${result.denominator})` : '';
  return `${formatRate(result.rate)} ${verdict(result.met)}${counts}`;
};

const dashboard = (year: number, byPeriod: ReadonlyMap<string, readonly KpiResult[]>): string => {
  const periods = [String(year), `${year}-Q1`, `${year}-Q2`, `${year}-Q3`, `${year}-Q4`];
  const table = new Table({
    head: ['KPI', '达标率', 'target (year)', ...periods.map((period, index) => (index === 0 ? `year ${period}` : period.slice(5))), 'missed', 'pending'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const id of kpiIds) {
    const row = periods.map((period) => byPeriod.get(period)?.find((result) => result.kpi === id));
    const year = row[0];
    table.push([
      id,
      year?.name.zh ?? '',
      year === undefined ? '' : formatTarget(year.target),
      ...row.map((result, index) => cell(result, index === 0)),
      String(year?.missedCount ?? 0),
      String(year?.pendingCount ?? 0),
    ]);
  }
  return table.toString();
};

/**
 * How the reader runs the CLI again: through the monorepo's script when the demo was started from a
 * clone (as the README's set-up does), by its installed name otherwise.
 */
export const howToRun = (env: NodeJS.ProcessEnv): string =>
  env['npm_package_name'] === 'aftersales-monorepo' ? 'npx pnpm@10 -s aftersales' : 'aftersales';

/** A path relative to the working directory when it is inside it, absolute otherwise. */
const displayPath = (path: string): string => {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : `./${inside}`;
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export const demo: CliCommand = {
  register(program, context) {
    program
      .command('demo')
      .option('--orders <n>', 'repair orders over the year (each about 13 events)', String(DEFAULT_ORDERS))
      .option('--seed <n>', 'the same seed gives the same year', String(DEFAULT_SEED))
      .option('--year <yyyy>', 'the calendar year simulated', String(DEFAULT_YEAR))
      .option('--read-models <url>', "where to build the read models: sqlite:<path>, postgres://…, memory:; the log's SQLite file by default")
      .addOption(storeOption(context))
      .addHelpText('after', '\nThe demo starts from an empty store. It replaces a SQLite file that holds only what an earlier demo wrote, and refuses any store that holds other events.')
      .action(
        action(async (options: DemoOptions) => {
          const orders = wholeNumberOption('--orders', options.orders, 0, 2_000_000);
          const seed = wholeNumberOption('--seed', options.seed, 0, 2 ** 32 - 1);
          // The domain refuses business time outside its years, so a demo of another year would be refused whole.
          const year = wholeNumberOption('--year', options.year, FIRST_YEAR, LAST_YEAR);
          const location = locate(options.store);
          checkReadModelsUrl(options.readModels);
          const opened = await openFresh(location, context);
          try {
            const commands = [...simulateYear({ seed, orders, year })];
            const department = openDepartment(opened.store);
            const progress = progressOf(context, commands.length);
            const started = performance.now();
            let events = 0;
            let lastWritten: bigint | undefined;
            const refusedOnPurpose: string[] = [];
            const unexpected: string[] = [];
            try {
              for (const command of commands) {
                const result = await department.handle(command);
                progress.tick(command);
                if (E.isRight(result)) {
                  events += result.right.events.length;
                  lastWritten = result.right.events.at(-1)?.globalPosition ?? lastWritten;
                  continue;
                }
                const { code, message } = result.left;
                if (isStoreFailureCode(code)) throw new CliError(`store error (${code}) at ${command.metadata.commandId}: ${message}`);
                if (deliberateRefusals.get(command.metadata.commandId) === code) refusedOnPurpose.push(`${command.type} ${code}: ${message}`);
                else unexpected.push(`${command.metadata.commandId} ${command.type} ${code}: ${message}`);
              }
            } finally {
              progress.stop();
            }
            const elapsed = performance.now() - started;
            const sealed = await sealAfterWriting(opened.raw, 'demo');
            const last = await lastPosition(opened.raw, lastWritten);
            if (last !== undefined) await writeMark(opened, { state: 'written', lastPosition: last.toString() });

            if (context.interactive) context.stderr.write('Building the KPI and audit-trail read models…\n');
            const readStarted = performance.now();
            const byPeriod = new Map<string, readonly KpiResult[]>();
            const asOf = commands.at(-1)?.metadata.at ?? `${year}-12-31T23:59:59+08:00`;
            const readElapsed = await withReadModels(opened, options.readModels, undefined, async ({ models }) => {
              await catchUp(models, { rebuild: true }, context);
              const built = performance.now() - readStarted;
              for (const period of [String(year), `${year}-Q1`, `${year}-Q2`, `${year}-Q3`, `${year}-Q4`]) {
                const answer = await models.kpis({ period, asOf });
                if (E.isLeft(answer)) throw readModelError(answer.left);
                byPeriod.set(period, answer.right.results);
              }
              return built;
            });

            const out = (text = '') => context.stdout.write(`${text}\n`);
            const rate = Math.round(commands.length / (elapsed / 1000));
            out();
            out(`A year of the after-sales department, ${year} (seed ${seed}): ${orders} repair orders, ${commands.length} commands, ${events} events.`);
            out(`Every command went through decoding, authorization, the deciders and the store: ${seconds(elapsed)} (${rate} commands/s); read models built in ${seconds(readElapsed)}.`);
            out(`${refusedOnPurpose.length} commands were refused on purpose, as the rules require:`);
            for (const refusal of refusedOnPurpose) out(`  - ${refusal}`);
            if (unexpected.length > 0) {
              out(`${unexpected.length} commands were refused unexpectedly:`);
              for (const refusal of unexpected.slice(0, 10)) out(`  - ${refusal}`);
            }
            out();
            out(`KPIs (达标率) as of ${asOf}, each against its target (≥ a lower bound, ≤ an upper limit; a quarter's turnover limit is the quarter's):`);
            out('✓ met, ✗ missed, — nothing to measure; (counted/items) counts hits, or leavers for staffTurnover; missed and pending items of the year, pending ones not yet due:');
            out(dashboard(year, byPeriod));
            out(`Tamper evidence: ${sealed}; keep the anchor apart from the log, for \`audit verify --anchor\`.`);
            out();
            const flag = storeFlag(location, options.store);
            const where = location.kind === 'sqlite' ? displayPath(location.path) : describeLocation(location);
            if (location.kind === 'memory') {
              out('The log lived in memory and is gone now; run the demo without --store to keep it in a SQLite file.');
            } else {
              const keys = keyStorePath(location, context.env[KEYS_VARIABLE]);
              const cli = howToRun(context.env);
              out(`The log is in ${where}${keys === undefined ? '' : `, the customers' keys in ${displayPath(resolve(keys))}`}. Try next:`);
              out(`  ${cli} kpi --period ${year}-Q3 --as-of ${asOf}${flag}`);
              out(`  ${cli} kpi --period ${year}-03 --as-of ${asOf} --json${flag}`);
              out(`  ${cli} audit trail --stream RepairOrder-RO-${year}-000001${flag}`);
              out(`  ${cli} audit trail --stream Budget --actor GM-01${flag}`);
              out(`  ${cli} export${flag} > log.jsonl`);
              out(`  ${cli} import log.jsonl --store sqlite:./copy.db`);
              out(`  ${cli} run commands.jsonl${flag}   (commands in the JSON Lines form of docs/cli.md)`);
            }
            return unexpected.length > 0 ? ExitCode.problems : ExitCode.ok;
          } finally {
            await opened.close();
          }
        }),
      );
  },
};
