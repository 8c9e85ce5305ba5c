import { escapeForTerminal as shown } from '@aftersales/core';
import Table from 'cli-table3';
import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, KpiId, KpiItem, KpiResult, Verdict } from '@aftersales/read-models';
import { decodeKpiConfig, defaultKpiConfig, formatRate, formatTarget, formatTurnoverLimits, kpiIds, rulesOf } from '@aftersales/read-models';
import { ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import { kpiTimeZone, localYear, parseAsOf, parsePeriod } from '../instants.js';
import { readSmallTextFile, wholeNumberOption } from '../options.js';
import { toJson } from '../output.js';
import { catchUp, checkReadModelsUrl, describeReadModels, readModelError, withReadModels } from '../read-models.js';

interface KpiOptions {
  readonly store: string;
  readonly readModels?: string;
  readonly period?: string;
  readonly asOf?: string;
  readonly settings?: string;
  readonly rebuild?: boolean;
  readonly json?: boolean;
  readonly items?: string;
  readonly verdict?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

export const verdict = (met: boolean | null): string => (met === null ? '—' : met ? '✓' : '✗');

const listMissed = (missed: readonly string[], count: number, shown = 3): string =>
  count === 0 ? '' : count <= shown ? missed.slice(0, shown).join(', ') : `${missed.slice(0, shown).join(', ')} +${count - shown}`;

/**
 * The JSON form of a result: the fields scripts rely on, rates and targets as fractions. `target` is
 * `{ direction: 'atLeast' | 'atMost', rate }`; `numerator` counts hits, or misses (leavers) for an
 * `atMost` KPI.
 */
export const kpiJson = (result: KpiResult) => ({
  kpi: result.kpi,
  period: result.period,
  numerator: result.numerator,
  denominator: result.denominator,
  rate: result.rate,
  target: result.target,
  met: result.met,
  missed: result.missed,
  missedCount: result.missedCount,
  pending: result.pending,
  pendingCount: result.pendingCount,
});

export const kpiTable = (results: readonly KpiResult[]): string => {
  const table = new Table({
    head: ['KPI', '达标率', 'rate', 'counted / items', 'target', 'met', 'pending', 'missed'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'center', 'right', 'left'],
  });
  for (const result of results) {
    table.push([
      shown(result.kpi),
      shown(result.name.zh),
      formatRate(result.rate),
      `${result.numerator} / ${result.denominator}`,
      formatTarget(result.target),
      verdict(result.met),
      String(result.pendingCount),
      shown(listMissed(result.missed, result.missedCount)),
    ]);
  }
  return table.toString();
};

/** The largest settings file read: a few versions of a dozen numbers each take a few kilobytes. */
const SETTINGS_LIMIT = 1024 * 1024;

/** Reads a settings file: a JSON array of versions, each in force from its `effectiveFrom` (docs/kpis.md). */
export const readSettings = (path: string | undefined): KpiConfig | undefined => {
  if (path === undefined) return undefined;
  const text = readSmallTextFile('--settings', path, SETTINGS_LIMIT);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw usageError(`--settings ${path} is not JSON`);
  }
  if (!Array.isArray(raw)) throw usageError(`--settings ${path} is not a JSON array of settings versions (docs/kpis.md, "Configuration")`);
  if (raw.length === 0) throw usageError(`--settings ${path} holds no settings version: give at least one`);
  const decoded = decodeKpiConfig(raw);
  if (E.isLeft(decoded)) throw usageError(`--settings ${path}: ${decoded.left}`);
  const instants = decoded.right.map((version) => Date.parse(version.effectiveFrom));
  const twin = instants.findIndex((instant, index) => instants.indexOf(instant) !== index);
  if (twin >= 0) {
    const first = instants.indexOf(instants[twin]!);
    throw usageError(
      `--settings ${path}: versions ${first} and ${twin} both take effect at ${decoded.right[twin]!.effectiveFrom}, so which one is in force would depend on their order: give each version its own effectiveFrom`,
    );
  }
  return decoded.right;
};

const verdicts: readonly Verdict[] = ['hit', 'miss', 'pending', 'excluded'];

const parseVerdicts = (text: string | undefined): Verdict[] | undefined => {
  if (text === undefined) return undefined;
  const given = text.split(',').map((part) => part.trim());
  for (const one of given) if (!verdicts.includes(one as Verdict)) throw usageError(`--verdict ${JSON.stringify(one)} is not one of ${verdicts.join(', ')}`);
  return given as Verdict[];
};

const parseLimit = (text: string | undefined): number | undefined => (text === undefined ? undefined : wholeNumberOption('--limit', text, 1, 10_000));

/** The options that only page through one KPI's items: given without `--items`, they would be silently ignored. */
const itemsOnly = ['verdict', 'limit', 'cursor'] as const;

const itemsTable = (items: readonly KpiItem[]): string => {
  const table = new Table({ head: ['item', 'verdict', 'period anchor', 'deadline', 'why'], style: { head: [], border: [] }, wordWrap: true, colWidths: [null, null, null, null, 60] });
  for (const item of items) table.push([item.itemId, item.verdict, item.periodAnchor, item.deadline ?? '', item.reason.en]);
  return table.toString();
};

const settingsLine = (settings: KpiResult['settings']): string =>
  settings
    .map((version) => {
      const rules = rulesOf(version);
      return `from ${version.effectiveFrom}: receipt SLA ${rules.receiptSlaHours} h, execution floor ${rules.executionFloor * 100}%, acknowledgement window ${rules.acknowledgementWindowDays} days, job-description window ${rules.jobDescriptionWindowDays} days, turnover limits ${formatTurnoverLimits(rules)} (month / quarter / year), ${rules.timeZone}`;
    })
    .join('; ');

export const kpi: CliCommand = {
  register(program, context) {
    program
      .command('kpi')
      .option('--period <period>', 'a month (2026-03), a quarter (2026-Q1) or a year (2026); the year of --as-of by default')
      .option('--as-of <instant>', 'count only what had happened by then (an instant with offset, or a date); now by default')
      .option('--settings <file>', 'the versioned KPI settings to judge by (a JSON array; see docs/kpis.md); the defaults otherwise')
      .option('--items <kpi>', 'list the items of one KPI, a page at a time, instead of the rates')
      .option('--verdict <verdicts>', 'with --items: only these verdicts, comma-separated (hit, miss, pending, excluded)')
      .option('--limit <n>', 'with --items: at most n items (default 100)')
      .option('--cursor <itemId>', 'with --items: the page after this item (the cursor the previous page printed)')
      .option('--read-models <url>', "where the read models are: sqlite:<path>, postgres://…, memory:; the log's SQLite file by default")
      .option('--rebuild', 'rebuild the read models from the log before answering')
      .option('--json', 'print JSON instead of a table')
      .addOption(storeOption(context))
      .action(
        action(async (options: KpiOptions) => {
          const settings = readSettings(options.settings);
          const timeZone = kpiTimeZone(settings);
          const asOf = options.asOf === undefined ? new Date().toISOString() : parseAsOf(options.asOf, timeZone);
          const period = options.period === undefined ? String(localYear(asOf, timeZone)) : parsePeriod(options.period);
          const items = options.items;
          const stray = itemsOnly.find((name) => options[name] !== undefined);
          if (items === undefined && stray !== undefined) throw usageError(`--${stray} pages through one KPI's items: pass it with --items <kpi>`);
          if (items !== undefined && !kpiIds.includes(items as KpiId)) throw usageError(`--items ${JSON.stringify(items)} is not a KPI: use one of ${kpiIds.join(', ')}`);
          const verdictFilter = parseVerdicts(options.verdict);
          const limit = parseLimit(options.limit);
          checkReadModelsUrl(options.readModels);
          return withStore(context, options.store, { mustExist: true }, (opened) =>
            withReadModels(opened, options.readModels, undefined, async ({ models, location }) => {
              await catchUp(models, { rebuild: options.rebuild === true }, context);
              const query = { period, asOf, ...(settings === undefined ? {} : { config: settings }) };
              const from = (position: bigint | undefined) => `${describeReadModels(location)}, at log position ${position ?? 'none (empty log)'}`;
              if (items !== undefined) {
                const page = await models.kpiItems(items as KpiId, {
                  ...query,
                  ...(verdictFilter === undefined ? {} : { verdicts: verdictFilter }),
                  ...(limit === undefined ? {} : { limit }),
                  ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
                });
                if (E.isLeft(page)) throw readModelError(page.left);
                if (options.json) {
                  context.stdout.write(`${toJson({ kpi: items, period, asOf, position: page.right.position ?? null, items: page.right.items, next: page.right.next ?? null }, 2)}\n`);
                } else {
                  context.stdout.write(`Items of ${items} for ${shown(period)}, as of ${shown(asOf)} (from ${shown(from(page.right.position))})\n`);
                  context.stdout.write(page.right.items.length === 0 ? 'no items\n' : `${itemsTable(page.right.items)}\n`);
                  if (page.right.next !== undefined) context.stdout.write(`more: --cursor ${shown(JSON.stringify(page.right.next))}\n`);
                }
                return ExitCode.ok;
              }
              const answer = await models.kpis(query);
              if (E.isLeft(answer)) throw readModelError(answer.left);
              const { results, position, undecodable } = answer.right;
              const used = results[0]?.settings ?? settings ?? defaultKpiConfig;
              if (options.json) {
                const json = {
                  period,
                  asOf,
                  position: position ?? null,
                  settings: used,
                  results: results.map(kpiJson),
                  undecodable: { count: undecodable.count, events: undecodable.sample.map(({ evidence, problem }) => ({ streamId: evidence.streamId, revision: evidence.revision, type: evidence.type, problem })) },
                };
                context.stdout.write(`${toJson(json, 2)}\n`);
                return ExitCode.ok;
              }
              context.stdout.write(`KPIs for ${shown(period)}, as of ${shown(asOf)} (from ${shown(from(position))})\nsettings: ${shown(settingsLine(used))}\n${kpiTable(results)}\ncounted: the hits, or for a target with ≤ (an upper limit) the misses, such as leavers\n`);
              if (undecodable.count > 0) {
                context.stdout.write(`${undecodable.count} department events did not decode and are in no KPI:\n`);
                for (const { evidence, problem } of undecodable.sample) context.stdout.write(`  ${shown(`${evidence.streamId}@${evidence.revision} ${evidence.type}: ${problem}`)}\n`);
              }
              return ExitCode.ok;
            }),
          );
        }),
      );
  },
};
