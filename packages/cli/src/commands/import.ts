import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventToAppend, EventMetadataToAppend, RecordedEvent } from '@aftersales/core';
import { INTEGRITY_STREAM, createLogVerifier, describeProblem, escapeForTerminal as shown, isStoreFailure } from '@aftersales/core';
import { ExitCode, mustBeFile, storeError, usageError } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import type { ExportedEvent } from '../exported-event.js';
import { exportedLines, recordedEventOf } from '../exported-event.js';
import { sealAfterWriting } from '../sealing.js';
import { verifyExportedFile } from './verify.js';

/** How many problems are listed before the rest are only counted. */
const PROBLEMS_SHOWN = 20;

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

/** Ends the import's transaction without committing anything: the file is not an intact log. */
class NotIntact extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`${problems.length} problem(s)`);
  }
}

const readingStore = async <A>(work: () => Promise<A>): Promise<A> => {
  try {
    return await work();
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw storeError(thrown.error);
    throw thrown;
  }
};

interface Imported {
  readonly events: number;
  readonly streams: number;
  readonly sealed: string;
}

/**
 * Reads the file once, checking each line as it goes (it decodes, global positions increase, each
 * stream's revisions, links and hashes hold) and appending it, each command's events in one append
 * that must store the exported hash. Then verifies what was stored, checkpoints included, and counts
 * it against what the file held. Any problem throws `NotIntact`, and the caller's transaction rolls
 * everything back.
 */
const importFile = async (file: string, store: EventStore, setRecordedAt: (at: Date | undefined) => void): Promise<Imported> => {
  for await (const _existing of store.readAll({ maxCount: 1 })) {
    throw usageError('the store already holds events: import only into an empty store (choose another --store)');
  }
  const problems: string[] = [];
  const lineOfEvent: number[] = [];
  const chains = createLogVerifier([]);
  let lastPosition = -1n;
  let batch: Array<{ readonly line: number; readonly event: ExportedEvent }> = [];
  const appendBatch = async () => {
    const first = batch[0];
    if (first === undefined || problems.length > 0) return;
    setRecordedAt(new Date(first.event.metadata.recordedAt));
    const appended = await store.appendToStream(first.event.streamId, batch.map(({ event }) => toAppend(event)), {
      expectedRevision: first.event.revision === 0 ? 'noStream' : first.event.revision - 1,
    });
    if (E.isLeft(appended)) {
      problems.push(`line ${first.line}: ${first.event.streamId}@${first.event.revision} could not be stored (${appended.left.code}: ${appended.left.message})`);
      return;
    }
    appended.right.events.forEach((stored, index) => {
      const { line, event } = batch[index]!;
      if (stored.metadata.hash !== event.metadata.hash) {
        problems.push(`line ${line}: ${event.streamId}@${event.revision} was stored with hash ${stored.metadata.hash}, not the exported ${event.metadata.hash}: this store cannot reproduce the log`);
      }
    });
  };
  for await (const { line, event, problem } of exportedLines(file)) {
    if (event === undefined) {
      problems.push(`line ${line}: ${problem ?? 'unreadable'}`);
      continue;
    }
    const recorded = recordedEventOf(event);
    if (recorded.globalPosition <= lastPosition) problems.push(`line ${line}: ${event.streamId}@${event.revision}: global position ${recorded.globalPosition} does not follow ${lastPosition}`);
    lastPosition = recorded.globalPosition;
    for (const found of chains.add(recorded)) problems.push(describeProblem(found, `line ${line}`));
    lineOfEvent.push(line);
    const last = batch.at(-1);
    if (last !== undefined && !sameBatch(last.event, event)) {
      await appendBatch();
      batch = [];
    }
    batch.push({ line, event });
  }
  await appendBatch();
  setRecordedAt(undefined);
  if (problems.length > 0) throw new NotIntact(problems);

  // What was stored, read back and verified with every checkpoint, must be what the file held.
  const checkpoints: RecordedEvent[] = [];
  for await (const stored of store.readAll({ filter: { streamPrefixes: [INTEGRITY_STREAM] } })) if (stored.streamId === INTEGRITY_STREAM) checkpoints.push(stored);
  const verifier = createLogVerifier(checkpoints);
  let index = 0;
  for await (const stored of store.readAll()) {
    for (const found of verifier.add(stored)) problems.push(describeProblem(found, `line ${lineOfEvent[index] ?? '?'}`));
    index += 1;
  }
  const foundBeforeTheEnd = verifier.problemCount();
  const verified = verifier.finish();
  for (const found of verified.problems.slice(foundBeforeTheEnd)) problems.push(describeProblem(found, 'end of file'));
  if (verified.eventCount !== lineOfEvent.length) problems.push(`the file holds ${lineOfEvent.length} event(s) but ${verified.eventCount} were stored`);
  if (problems.length > 0) throw new NotIntact(problems);
  return { events: verified.eventCount, streams: verified.streamCount, sealed: await sealAfterWriting(store, 'import') };
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
          // The store stamps `recordedAt` from its clock; importing sets that clock to each batch's
          // original time, so every event hashes exactly as it did when first stored.
          let recordedAt: Date | undefined;
          return withStore(options.store, { clock: () => recordedAt ?? new Date() }, async ({ raw, transaction }) => {
            // On SQLite the whole import is one transaction: a kill, a failure or a bad line leaves the
            // store as empty as it was, and no other process can append in between.
            const atomically = transaction ?? (<A>(work: () => Promise<A>) => work());
            try {
              // Without a transaction, an altered file must be refused before its first line is appended.
              if (transaction === undefined) {
                const checked = await verifyExportedFile(file);
                if (checked.problems.length > 0) throw new NotIntact(checked.problems);
              }
              const imported = await readingStore(() => atomically(() => importFile(file, raw, (at) => (recordedAt = at))));
              context.stderr.write(`imported ${imported.events} event(s) in ${imported.streams} stream(s); every hash verified; ${imported.sealed}\n`);
              return ExitCode.ok;
            } catch (thrown) {
              if (!(thrown instanceof NotIntact)) throw thrown;
              context.stderr.write(`aftersales: ${shown(file)} is not an intact exported log (${thrown.problems.length} problem(s)); nothing was imported:\n`);
              report(context, thrown.problems);
              return ExitCode.problems;
            }
          });
        }),
      );
  },
};
