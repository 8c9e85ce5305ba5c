import { once } from 'node:events';
import { escapeForTerminal as shown } from '@aftersales/core';
import Table from 'cli-table3';
import * as E from 'fp-ts/lib/Either.js';
import type { AuditEntry, AuditQuery } from '@aftersales/read-models';
import { ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, commandGroup, storeOption, withStore } from '../context.js';
import { nonEmptyOption, wholeNumberOption } from '../options.js';
import { toJson } from '../output.js';
import { catchUp, checkReadModelsUrl, describeReadModels, readModelError, withReadModels } from '../read-models.js';

interface TrailOptions {
  readonly store: string;
  readonly readModels?: string;
  readonly rebuild?: boolean;
  readonly stream?: string;
  readonly actor?: string;
  readonly limit?: string;
  readonly cursor?: string;
  readonly json?: boolean;
}

/** Rows per table printed: the trail is read and written a page at a time, never held whole. */
const PAGE = 200;

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
    commandGroup(program, 'audit')
      .command('trail')
      .option('--stream <streamId>', 'only this stream (e.g. RepairOrder-RO-2026-000001), or a whole category (e.g. Budget)')
      .option('--actor <id>', 'only what this person or endpoint did or tried to do')
      .option('--limit <n>', 'at most n entries, then the cursor of the next page (all entries by default, printed as they are read)')
      .option('--cursor <position>', 'the entries after this position (the cursor a page with --limit printed)')
      .option('--read-models <url>', "where the read models are: sqlite:<path>, postgres://…, memory:; the log's SQLite file by default")
      .option('--rebuild', 'rebuild the read models from the log before answering')
      .option('--json', 'print JSON (an array of entries) instead of tables')
      .addOption(storeOption(context))
      .action(
        action(async (options: TrailOptions) => {
          const limit = options.limit === undefined ? undefined : wholeNumberOption('--limit', options.limit, 1);
          if (options.cursor !== undefined && !/^\d{1,40}$/.test(options.cursor)) throw usageError(`--cursor ${JSON.stringify(options.cursor)} is not a log position`);
          const stream = nonEmptyOption('--stream', options.stream);
          const actor = nonEmptyOption('--actor', options.actor);
          const query: AuditQuery = {
            ...(stream === undefined ? {} : stream.includes('-') ? { streamId: stream } : { aggregateType: stream }),
            ...(actor === undefined ? {} : { actorId: actor }),
          };
          checkReadModelsUrl(options.readModels);
          return withStore(context, options.store, { mustExist: true }, (opened) =>
            withReadModels(opened, options.readModels, undefined, async ({ models, location }) => {
              await catchUp(models, { rebuild: options.rebuild === true }, context);
              // A page waits until the one before has left the process: a slow reader must not make the trail pile up in memory.
              const write = async (text: string) => {
                if (!context.stdout.write(text)) await once(context.stdout, 'drain');
              };
              let after = options.cursor;
              let printed = 0;
              let position: bigint | undefined;
              if (options.json) context.stdout.write('[');
              for (;;) {
                const size = limit === undefined ? PAGE : Math.min(PAGE, limit - printed);
                const page = await models.audit({ ...query, limit: size, ...(after === undefined ? {} : { after }) });
                if (E.isLeft(page)) throw readModelError(page.left);
                position = page.right.position;
                const { entries } = page.right;
                if (options.json) {
                  await write(entries.map((entry, index) => `${printed + index === 0 ? '\n' : ',\n'}${toJson(entry)}`).join(''));
                } else if (entries.length > 0) {
                  await write(`${trailTable(entries)}\n`);
                }
                printed += entries.length;
                after = page.right.next;
                if (after === undefined || (limit !== undefined && printed >= limit)) break;
              }
              if (options.json) {
                context.stdout.write(printed === 0 ? ']\n' : '\n]\n');
                return ExitCode.ok;
              }
              if (printed === 0) context.stdout.write('no entries match\n');
              const more = limit !== undefined && after !== undefined ? `; more: --cursor ${after}` : '';
              context.stdout.write(`${printed} entries from ${describeReadModels(location)}, at log position ${position ?? 'none'}${more}\n`);
              return ExitCode.ok;
            }),
          );
        }),
      );
  },
};
