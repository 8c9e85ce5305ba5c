import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { verifyLog } from '@aftersales/core';
import { buildAuditReport, renderReportHtml, renderReportJson, renderReportMarkdown } from '@aftersales/read-models';
import { ExitCode, storeError, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import { parseAsOf } from '../instants.js';
import { verifyOptionsOf } from './verify.js';

interface ReportOptions {
  readonly store: string;
  readonly asOf: string;
  readonly period?: string;
  readonly knownAt?: string;
  readonly out: string;
  readonly auditKeyFile?: string;
  readonly anchor?: readonly string[];
}

const collectAnchor = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

export const report: CliCommand = {
  register(program, context) {
    program
      .command('report')
      .description('Replay the log into an audit report: report.json, report.md and a self-contained report.html; exit 1 if the log is not intact')
      .requiredOption('--as-of <instant>', 'count what had happened by then (business time; an instant with offset, or a date)')
      .option('--period <period>', 'a month (2026-03), a quarter (2026-Q1) or a year (2026); the year of --as-of by default')
      .option('--known-at <instant>', 'count only what had been recorded by then (metadata.recordedAt)')
      .requiredOption('--out <dir>', 'the directory to write the three files into')
      .option('--audit-key-file <file>', 'check the checkpoints\' MACs with the auditor key')
      .option('--anchor <count:digest>', 'an anchor kept from an earlier verification (repeatable)', collectAnchor)
      .addOption(storeOption(context))
      .action(
        action(async (options: ReportOptions) => {
          const asOf = parseAsOf(options.asOf);
          const knownAt = options.knownAt === undefined ? undefined : parseAsOf(options.knownAt, '--known-at');
          const verifyOptions = verifyOptionsOf(options);
          return withStore(options.store, { mustExist: true }, async ({ raw, store }) => {
            const verified = await verifyLog(raw, verifyOptions);
            if (E.isLeft(verified)) throw storeError(verified.left);
            const built = await buildAuditReport(store, verified.right, {
              asOf,
              ...(options.period === undefined ? {} : { period: options.period }),
              ...(knownAt === undefined ? {} : { knownAt }),
            });
            if (E.isLeft(built)) throw usageError(built.left);
            const out = resolve(options.out);
            mkdirSync(out, { recursive: true });
            writeFileSync(join(out, 'report.json'), renderReportJson(built.right));
            writeFileSync(join(out, 'report.md'), renderReportMarkdown(built.right));
            writeFileSync(join(out, 'report.html'), renderReportHtml(built.right));
            const verdict = verified.right.intact ? 'the log is intact' : `the log is NOT INTACT (${verified.right.problemCount} problem(s))`;
            context.stderr.write(`wrote report.json, report.md and report.html to ${out} for ${built.right.query.period} as of ${asOf}; ${verdict}\n`);
            return verified.right.intact ? ExitCode.ok : ExitCode.problems;
          });
        }),
      );
  },
};
