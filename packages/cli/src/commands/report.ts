import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { verifyLog } from '@aftersales/core';
import { buildAuditReport, renderReportHtml, renderReportJson, renderReportMarkdown } from '@aftersales/read-models';
import { ExitCode, storeError, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, repeated, storeOption, withStore } from '../context.js';
import { parseAsOf, parseInstant, parsePeriod } from '../instants.js';
import { readSettings } from './kpi.js';
import { verifyOptionsOf } from './verify.js';

interface ReportOptions {
  readonly store: string;
  readonly asOf: string;
  readonly period?: string;
  readonly knownAt?: string;
  readonly out: string;
  readonly auditKeyFile?: string;
  readonly anchor?: readonly string[];
  readonly settings?: string;
}

const describeThrown = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * Writes the three files so that they are never of two different reports: each target is checked
 * first, each file is written under a temporary name, the old set is removed, and only then is each
 * renamed into place. A kill leaves the old set, or part of the new one, never a mix.
 */
const writeReportFiles = (out: string, files: ReadonlyArray<readonly [name: string, content: string]>): void => {
  try {
    mkdirSync(out, { recursive: true });
  } catch (thrown) {
    throw usageError(`cannot write the report into ${out}: ${describeThrown(thrown)}`);
  }
  for (const [name] of files) {
    const target = join(out, name);
    if (existsSync(target) && !statSync(target).isFile()) throw usageError(`cannot write ${target}: something other than a file is in the way; nothing was written`);
  }
  const temporary = (name: string) => join(out, `.${name}.${process.pid}.tmp`);
  try {
    for (const [name, content] of files) writeFileSync(temporary(name), content);
    for (const [name] of files) rmSync(join(out, name), { force: true });
    for (const [name] of files) renameSync(temporary(name), join(out, name));
  } catch (thrown) {
    for (const [name] of files) rmSync(temporary(name), { force: true });
    throw usageError(`cannot write the report into ${out}: ${describeThrown(thrown)}`);
  }
};

export const report: CliCommand = {
  register(program, context) {
    program
      .command('report')
      .requiredOption('--as-of <instant>', 'count what had happened by then (business time; an instant with offset, or a date)')
      .option('--period <period>', 'a month (2026-03), a quarter (2026-Q1) or a year (2026); the year of --as-of by default')
      .option('--known-at <instant>', 'count only what had been recorded by then (metadata.recordedAt)')
      .requiredOption('--out <dir>', 'the directory to write the three files into')
      .option('--audit-key-file <file>', 'check the checkpoints\' MACs with the auditor key')
      .option('--anchor <count:digest>', 'an anchor kept from an earlier verification (repeatable)', repeated)
      .option('--settings <file>', 'the versioned KPI settings to judge by (a JSON array; see docs/kpis.md); the defaults otherwise')
      .addOption(storeOption(context))
      .action(
        action(async (options: ReportOptions) => {
          const asOf = parseAsOf(options.asOf);
          const knownAt = options.knownAt === undefined ? undefined : parseInstant('--known-at', options.knownAt);
          const period = options.period === undefined ? undefined : parsePeriod(options.period);
          const verifyOptions = verifyOptionsOf(options);
          const config = readSettings(options.settings);
          return withStore(context, options.store, { mustExist: true }, async ({ raw, store }) => {
            const verified = await verifyLog(raw, verifyOptions);
            if (E.isLeft(verified)) throw storeError(verified.left);
            const built = await buildAuditReport(store, verified.right, {
              asOf,
              ...(period === undefined ? {} : { period }),
              ...(knownAt === undefined ? {} : { knownAt }),
              ...(config === undefined ? {} : { config }),
            });
            if (E.isLeft(built)) throw usageError(built.left);
            const out = resolve(options.out);
            writeReportFiles(out, [
              ['report.json', renderReportJson(built.right)],
              ['report.md', renderReportMarkdown(built.right)],
              ['report.html', renderReportHtml(built.right)],
            ]);
            const undecodable = built.right.undecodable.length === 0 ? '' : `; ${built.right.undecodable.length} event(s) did not decode and are listed in the report`;
            const verdict = `${verified.right.intact ? 'the log is intact' : `the log is NOT INTACT (${verified.right.problemCount} problem(s))`}${undecodable}`;
            context.stderr.write(`wrote report.json, report.md and report.html to ${out} for ${built.right.query.period} as of ${asOf}; ${verdict}\n`);
            return verified.right.intact ? ExitCode.ok : ExitCode.problems;
          });
        }),
      );
  },
};
