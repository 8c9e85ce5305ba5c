import { escapeForTerminal as shown } from '@aftersales/core';
import Table from 'cli-table3';
import * as E from 'fp-ts/lib/Either.js';
import type { KpiResult } from '@aftersales/read-models';
import { ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import { localYear, parseAsOf } from '../instants.js';
import { toJson } from '../output.js';
import { catchUp, readModelsOf } from '../read-models.js';

interface KpiOptions {
  readonly store: string;
  readonly period?: string;
  readonly asOf?: string;
  readonly json?: boolean;
}

/**
 * A rate as people read it: one decimal, rounded down so that a rate short of its 100% target never
 * shows as 100.0% (1999/2000 reads 99.9%); a dash where there is nothing to measure.
 */
export const percent = (rate: number | null): string => (rate === null ? '—' : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`);

export const verdict = (met: boolean | null): string => (met === null ? '—' : met ? '✓' : '✗');

const listMissed = (missed: readonly string[], shown = 3): string =>
  missed.length === 0 ? '' : missed.length <= shown ? missed.join(', ') : `${missed.slice(0, shown).join(', ')} +${missed.length - shown}`;

/** The JSON form of a result: the fields scripts rely on, rates and targets as fractions. */
export const kpiJson = (result: KpiResult) => ({
  kpi: result.kpi,
  period: result.period,
  numerator: result.numerator,
  denominator: result.denominator,
  rate: result.rate,
  target: result.target,
  met: result.met,
  missed: result.missed,
});

export const kpiTable = (results: readonly KpiResult[]): string => {
  const table = new Table({
    head: ['KPI', '达标率', 'rate', 'hit / items', 'target', 'met', 'missed'],
    style: { head: [], border: [] },
    colAligns: ['left', 'left', 'right', 'right', 'right', 'center', 'left'],
  });
  for (const result of results) {
    table.push([
      shown(result.kpi),
      shown(result.name.zh),
      percent(result.rate),
      `${result.numerator} / ${result.denominator}`,
      percent(result.target),
      verdict(result.met),
      shown(listMissed(result.missed)),
    ]);
  }
  return table.toString();
};

export const kpi: CliCommand = {
  register(program, context) {
    program
      .command('kpi')
      .description('The twelve completion rates (达标率) of a period, as of an instant')
      .option('--period <period>', 'a month (2026-03), a quarter (2026-Q1) or a year (2026); the year of --as-of by default')
      .option('--as-of <instant>', 'count only what had happened by then (an instant with offset, or a date); now by default')
      .option('--json', 'print a JSON array instead of a table')
      .addOption(storeOption(context))
      .action(
        action(async (options: KpiOptions) => {
          const asOf = options.asOf === undefined ? new Date().toISOString() : parseAsOf(options.asOf);
          const period = options.period ?? String(localYear(asOf));
          return withStore(options.store, { mustExist: true }, async (opened) => {
            const models = readModelsOf(opened);
            await catchUp(models.kpiFacts, 'KPI', context);
            const results = models.kpis({ period, asOf });
            if (E.isLeft(results)) throw usageError(results.left);
            if (options.json) {
              context.stdout.write(`${toJson(results.right.map(kpiJson), 2)}\n`);
            } else {
              context.stdout.write(`KPIs for ${shown(period)}, as of ${shown(asOf)}\n${kpiTable(results.right)}\n`);
            }
            return ExitCode.ok;
          });
        }),
      );
  },
};
