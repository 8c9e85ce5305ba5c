import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { escapeForTerminal as shown, isStoreFailure } from '@aftersales/core';
import { importExportedLog } from '@aftersales/core/log-transfer';
import { ExitCode, mustBeFile, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import type { ImportMark, StoreSettings } from '../store-url.js';
import { IMPORT_MARK, unfinishedImport } from '../store-url.js';
import { sealAfterWriting } from '../sealing.js';

/** How many problems are listed before the rest are only counted. */
const PROBLEMS_SHOWN = 20;

const report = (context: CliContext, problems: readonly string[]) => {
  for (const problem of problems.slice(0, PROBLEMS_SHOWN)) context.stderr.write(`  ${shown(problem)}\n`);
  if (problems.length > PROBLEMS_SHOWN) context.stderr.write(`  … and ${problems.length - PROBLEMS_SHOWN} more\n`);
};

const readingStore = async <A>(work: () => Promise<A>): Promise<A> => {
  try {
    return await work();
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw storeError(thrown.error);
    throw thrown;
  }
};

const NOT_EMPTY = 'the store already holds events: import only into an empty store (choose another --store)';

const sha256Of = async (file: string): Promise<string> => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

/**
 * Stages an import on a store without multi-stream transactions: an empty store is marked as holding
 * an unfinished import of this file before anything is appended (the mark hides the store from every
 * other command), and a store already marked for this very file is taken up where the import
 * stopped, every batch stored before being recognized by its event ids.
 */
const stageImport = async (file: string, store: EventStore, settings: StoreSettings): Promise<'fresh' | 'resume'> => {
  const mark: ImportMark = { state: 'importing', file: resolve(file), sha256: await sha256Of(file) };
  const unfinished = await unfinishedImport(settings);
  if (unfinished !== undefined) {
    if (unfinished.sha256 === mark.sha256) return 'resume';
    throw usageError(
      `the store holds an unfinished import of another file, ${unfinished.file} (or of that file since changed): rerun the import of that file to finish it, or import into another --store`,
    );
  }
  for await (const _existing of store.readAll({ maxCount: 1 })) throw usageError(NOT_EMPTY);
  const claimed = await settings.claim(IMPORT_MARK, JSON.stringify(mark));
  if (claimed !== JSON.stringify(mark)) throw usageError('another import into this store started at the same time: let it finish, or import into another --store');
  return 'fresh';
};

export const importLog: CliCommand = {
  register(program, context) {
    program
      .command('import')
      .argument('<file>', 'a JSON Lines file written by `aftersales export`')
      .addOption(storeOption(context))
      .action(
        action(async (file: string, options: { readonly store: string }) => {
          await mustBeFile(file, { regular: true });
          // The store stamps `recordedAt` from its clock; the import sets that clock to each batch's original time.
          let recordedAt: Date | undefined;
          return withStore(context, options.store, { clock: () => recordedAt ?? new Date(), finishingImport: true }, async ({ raw, transaction, settings }) => {
            // On SQLite the whole import is one transaction: a kill, a failure or a bad line leaves the
            // store as empty as it was, and no other process can append in between. Elsewhere it is
            // staged: the store stays marked, hidden from other commands, until all of it is stored.
            if (transaction === undefined && settings === undefined) throw usageError('this store keeps no settings, so an import into it could not be made all or nothing');
            const imported = await readingStore(() =>
              importExportedLog(file, raw, {
                setRecordedAt: (at) => (recordedAt = at),
                ...(transaction === undefined ? { stage: () => stageImport(file, raw, settings!) } : { transaction }),
                then: async (store) => {
                  // Sealed once visible: a checkpoint stored before would be an event the file does not hold.
                  if (transaction === undefined) await settings!.set(IMPORT_MARK, undefined);
                  return sealAfterWriting(store, 'import');
                },
              }),
            );
            if (E.isRight(imported)) {
              context.stderr.write(`imported ${imported.right.events} event(s) in ${imported.right.streams} stream(s); every hash verified; ${imported.right.then}\n`);
              return ExitCode.ok;
            }
            if (imported.left.kind === 'StoreNotEmpty') throw usageError(NOT_EMPTY);
            const marked = transaction === undefined && (await unfinishedImport(settings)) !== undefined;
            context.stderr.write(
              marked
                ? `aftersales: ${shown(file)} did not import intact (${imported.left.problems.length} problem(s)); the store keeps what was stored hidden, as an unfinished import:\n`
                : `aftersales: ${shown(file)} is not an intact exported log (${imported.left.problems.length} problem(s)); nothing was imported:\n`,
            );
            report(context, imported.left.problems);
            return ExitCode.problems;
          });
        }),
      );
  },
};
