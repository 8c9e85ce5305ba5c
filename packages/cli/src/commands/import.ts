import * as E from 'fp-ts/lib/Either.js';
import type { EventToAppend, EventMetadataToAppend } from '@aftersales/core';
import { escapeForTerminal as shown, isStoreFailure } from '@aftersales/core';
import { CliError, ExitCode, mustBeFile, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import type { ExportedEvent } from '../exported-event.js';
import { exportedLines } from '../exported-event.js';
import { verifyExportedFile } from './verify.js';

/** How many problems are listed before the rest are only counted. */
const PROBLEMS_SHOWN = 20;

/**
 * Reads the whole file before anything is written, as `audit verify --file` does: every line decodes,
 * every stream's revisions follow each other from 0, every link and hash holds, and so does every
 * integrity checkpoint in the file. A log that fails any of this was altered or truncated, and
 * nothing of it is imported.
 */
const verifyFile = async (file: string): Promise<{ problems: readonly string[]; events: number; streams: number }> => {
  const { problems, report } = await verifyExportedFile(file);
  return { problems, events: report.eventCount, streams: report.streamCount };
};

const toAppend = (event: ExportedEvent): EventToAppend => {
  const { recordedAt: _recordedAt, prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata: metadata satisfies EventMetadataToAppend };
};

const sameBatch = (a: ExportedEvent, b: ExportedEvent): boolean =>
  a.streamId === b.streamId &&
  a.metadata.commandId === b.metadata.commandId &&
  a.metadata.recordedAt === b.metadata.recordedAt &&
  b.revision === a.revision + 1;

const report = (context: CliContext, problems: readonly string[]) => {
  for (const problem of problems.slice(0, PROBLEMS_SHOWN)) context.stderr.write(`  ${shown(problem)}\n`);
  if (problems.length > PROBLEMS_SHOWN) context.stderr.write(`  … and ${problems.length - PROBLEMS_SHOWN} more\n`);
};

export const importLog: CliCommand = {
  register(program, context) {
    program
      .command('import')
      .description('Load an exported log into an empty store; the streams read back identical, hashes included')
      .argument('<file>', 'a JSON Lines file written by `aftersales export`')
      .addOption(storeOption(context))
      .action(
        action(async (file: string, options: { readonly store: string }) => {
          await mustBeFile(file);
          const verified = await verifyFile(file);
          if (verified.problems.length > 0) {
            context.stderr.write(`aftersales: ${shown(file)} is not an intact exported log (${verified.problems.length} problem(s)); nothing was imported:\n`);
            report(context, verified.problems);
            return ExitCode.problems;
          }
          // The store stamps `recordedAt` from its clock; importing sets that clock to each batch's
          // original time, so every event hashes exactly as it did when first stored.
          let recordedAt = new Date(0);
          return withStore(options.store, { clock: () => recordedAt }, async ({ raw: store }) => {
            try {
              for await (const _existing of store.readAll({ maxCount: 1 })) {
                throw usageError('the store already holds events: import only into an empty store (choose another --store)');
              }
            } catch (thrown) {
              if (isStoreFailure(thrown)) throw storeError(thrown.error);
              throw thrown;
            }
            let batch: ExportedEvent[] = [];
            const appendBatch = async () => {
              const first = batch[0];
              if (first === undefined) return;
              recordedAt = new Date(first.metadata.recordedAt);
              const appended = await store.appendToStream(first.streamId, batch.map(toAppend), {
                expectedRevision: first.revision === 0 ? 'noStream' : first.revision - 1,
              });
              if (E.isLeft(appended)) throw storeError(appended.left);
              appended.right.events.forEach((stored, index) => {
                const original = batch[index]!;
                if (stored.metadata.hash !== original.metadata.hash) {
                  throw new CliError(
                    `${original.streamId}@${original.revision} was stored with hash ${stored.metadata.hash}, not the exported ${original.metadata.hash}: this store cannot reproduce the log (import stopped part way)`,
                  );
                }
              });
              batch = [];
            };
            for await (const { event } of exportedLines(file)) {
              if (event === undefined) continue;
              const last = batch.at(-1);
              if (last !== undefined && !sameBatch(last, event)) await appendBatch();
              batch.push(event);
            }
            await appendBatch();
            context.stderr.write(`imported ${verified.events} event(s) in ${verified.streams} stream(s); every hash verified\n`);
            return ExitCode.ok;
          });
        }),
      );
  },
};
