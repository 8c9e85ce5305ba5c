import { escapeForTerminal as shown } from '@aftersales/core';
import Table from 'cli-table3';
import type { AuditEntry, AuditQuery } from '@aftersales/read-models';
import { ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, commandGroup, storeOption, withStore } from '../context.js';
import { toJson } from '../output.js';
import { catchUp, readModelsOf } from '../read-models.js';

interface TrailOptions {
  readonly store: string;
  readonly stream?: string;
  readonly actor?: string;
  readonly limit?: string;
  readonly json?: boolean;
}

/** A table of the whole log is unreadable; without `--limit`, a table shows this many of the latest entries. */
const TABLE_ROWS = 200;

const trailTable = (entries: readonly AuditEntry[]): string => {
  const table = new Table({
    head: ['#', 'occurred (business time)', 'actor', 'stream @ revision', 'event', 'what happened'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, null, null, null, 60],
  });
  for (const entry of entries) {
    const who = entry.subject === undefined ? entry.actor : entry.subject;
    table.push([entry.position, shown(entry.occurredAt), shown(`${who.id} (${who.role})`), shown(`${entry.streamId} @ ${entry.revision}`), shown(entry.type), shown(entry.summary.en)]);
  }
  return table.toString();
};

export const auditTrail: CliCommand = {
  register(program, context) {
    commandGroup(program, 'audit', 'The audit trail and the integrity of the log')
      .command('trail')
      .description('Who did what, when, in which role: every event of the log, as an auditor reads it')
      .option('--stream <streamId>', 'only this stream (e.g. RepairOrder-RO-2026-000001), or a whole category (e.g. Budget)')
      .option('--actor <id>', 'only what this person or endpoint did or tried to do')
      .option('--limit <n>', `only the latest n entries (a table shows the latest ${TABLE_ROWS} by default)`)
      .option('--json', 'print a JSON array of entries instead of a table')
      .addOption(storeOption(context))
      .action(
        action(async (options: TrailOptions) => {
          const limit = options.limit === undefined ? undefined : Number(options.limit);
          if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw usageError(`--limit ${options.limit} is not a positive whole number`);
          const stream = options.stream;
          const query: AuditQuery = {
            ...(stream === undefined ? {} : stream.includes('-') ? { streamId: stream } : { aggregateType: stream }),
            ...(options.actor === undefined ? {} : { actorId: options.actor }),
          };
          return withStore(options.store, { mustExist: true }, async (opened) => {
            const models = readModelsOf(opened);
            await catchUp(models.auditTrail, 'audit trail', context);
            const entries = models.audit(query);
            const shown = limit ?? (options.json ? entries.length : TABLE_ROWS);
            const latest = entries.slice(Math.max(0, entries.length - shown));
            if (options.json) {
              context.stdout.write(`${toJson(latest, 2)}\n`);
              return ExitCode.ok;
            }
            if (entries.length === 0) {
              context.stdout.write('no entries match\n');
              return ExitCode.ok;
            }
            context.stdout.write(`${trailTable(latest)}\n`);
            if (latest.length < entries.length) {
              context.stdout.write(`the latest ${latest.length} of ${entries.length} entries; narrow with --stream or --actor, or use --limit or --json\n`);
            }
            return ExitCode.ok;
          });
        }),
      );
  },
};
