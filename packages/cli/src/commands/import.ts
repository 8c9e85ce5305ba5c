import * as E from 'fp-ts/lib/Either.js';
import { escapeForTerminal as shown, isStoreFailure } from '@aftersales/core';
import { importExportedLog } from '@aftersales/core/log-transfer';
import { ExitCode, mustBeFile, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
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

export const importLog: CliCommand = {
  register(program, context) {
    program
      .command('import')
      .description('Load an exported log into an empty store, all or nothing; the streams read back identical, hashes included')
      .argument('<file>', 'a JSON Lines file written by `aftersales export`')
      .addOption(storeOption(context))
      .action(
        action(async (file: string, options: { readonly store: string }) => {
          await mustBeFile(file);
          // The store stamps `recordedAt` from its clock; the import sets that clock to each batch's original time.
          let recordedAt: Date | undefined;
          return withStore(options.store, { clock: () => recordedAt ?? new Date() }, async ({ raw, transaction }) => {
            // On SQLite the whole import is one transaction: a kill, a failure or a bad line leaves the
            // store as empty as it was, and no other process can append in between.
            const imported = await readingStore(() =>
              importExportedLog(file, raw, {
                setRecordedAt: (at) => (recordedAt = at),
                ...(transaction === undefined ? {} : { transaction }),
                then: (store) => sealAfterWriting(store, 'import'),
              }),
            );
            if (E.isRight(imported)) {
              context.stderr.write(`imported ${imported.right.events} event(s) in ${imported.right.streams} stream(s); every hash verified; ${imported.right.then}\n`);
              return ExitCode.ok;
            }
            if (imported.left.kind === 'StoreNotEmpty') throw usageError('the store already holds events: import only into an empty store (choose another --store)');
            context.stderr.write(`aftersales: ${shown(file)} is not an intact exported log (${imported.left.problems.length} problem(s)); nothing was imported:\n`);
            report(context, imported.left.problems);
            return ExitCode.problems;
          });
        }),
      );
  },
};
