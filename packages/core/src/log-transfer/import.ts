import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../event-store.js';
import type { EventMetadataToAppend, EventToAppend, RecordedEvent } from '../messages.js';
import { INTEGRITY_STREAM, createLogVerifier, describeProblem } from '../verification/index.js';
import type { ExportedEvent } from './exported-event.js';
import { checkExportedLines } from './read-exported.js';
import { verifyExportedFile } from './verify-file.js';

/** Why an import stored nothing. */
export type ImportRefusal =
  /** An import goes only into an empty store. */
  | { readonly kind: 'StoreNotEmpty' }
  /** The file is not an intact exported log: each problem with its line. */
  | { readonly kind: 'NotIntact'; readonly problems: readonly string[] };

export interface ImportedLog<A> {
  readonly events: number;
  readonly streams: number;
  /** What `then` gave. */
  readonly then: A;
}

export interface ImportOptions<A> {
  /**
   * Sets the clock the store stamps `recordedAt` with (undefined: the real clock again). The import
   * sets it to each batch's original time, so every event hashes exactly as it did when first stored.
   */
  readonly setRecordedAt: (at: Date | undefined) => void;
  /** Runs the whole import as one unit of work that a throw rolls back (a SQLite transaction); without one the file is verified before anything is appended. */
  readonly transaction?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Work done in the same transaction once what was stored is verified: a seal, say. */
  readonly then: (store: EventStore) => Promise<A>;
  /**
   * For a store without transactions: runs once the file is verified and before anything is
   * appended, to mark the store as holding an unfinished import (see the CLI). `resume` when an
   * earlier run of this same import was stopped: the store then holds part of the file and is not
   * required to be empty, and each batch stored before is recognized by its event ids.
   */
  readonly stage?: () => Promise<'fresh' | 'resume'>;
}

const toAppend = (event: ExportedEvent): EventToAppend => {
  const { recordedAt: _recordedAt, prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata: metadata satisfies EventMetadataToAppend };
};

const sameBatch = (a: ExportedEvent, b: ExportedEvent): boolean =>
  a.streamId === b.streamId && a.metadata.commandId === b.metadata.commandId && a.metadata.recordedAt === b.metadata.recordedAt && b.revision === a.revision + 1;

/** Ends the import's unit of work without committing anything. */
class Refused extends Error {
  constructor(readonly refusal: ImportRefusal) {
    super(refusal.kind);
  }
}

/** Appends the file's events, each command's events in one append that must store the exported hash. */
const appendFile = async (file: string, store: EventStore, setRecordedAt: (at: Date | undefined) => void, problems: string[]): Promise<number[]> => {
  const lineOfEvent: number[] = [];
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
  for await (const { line, event, problem, revealed } of checkExportedLines(file, createLogVerifier([]))) {
    if (problem !== undefined) problems.push(`line ${line}: ${problem}`);
    for (const found of revealed) problems.push(describeProblem(found, `line ${line}`));
    if (event === undefined) continue;
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
  return lineOfEvent;
};

/** Verifies what was stored, checkpoints included, and counts it against what the file held. */
const verifyStored = async (store: EventStore, lineOfEvent: readonly number[], problems: string[]) => {
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
  return verified;
};

/**
 * Loads an exported log into an empty store, all or nothing, so that its streams read back
 * identical, hashes included. Reads the file once, checking each line as it goes (it decodes, global
 * positions increase, each stream's revisions, links and hashes hold) and appending it; then verifies
 * what was stored. Any problem throws inside `transaction`, which rolls everything back. Store
 * failures are thrown as `StoreFailure`s; an unreadable file rejects.
 */
export const importExportedLog = async <A>(file: string, store: EventStore, options: ImportOptions<A>): Promise<E.Either<ImportRefusal, ImportedLog<A>>> => {
  const atomically = options.transaction ?? (<T>(work: () => Promise<T>) => work());
  try {
    // Without a transaction, an altered file must be refused before its first line is appended.
    if (options.transaction === undefined) {
      const checked = await verifyExportedFile(file);
      if (checked.problems.length > 0) return E.left({ kind: 'NotIntact', problems: checked.problems });
    }
    const resuming = (await options.stage?.()) === 'resume';
    return E.right(
      await atomically(async () => {
        if (!resuming) for await (const _existing of store.readAll({ maxCount: 1 })) throw new Refused({ kind: 'StoreNotEmpty' });
        const problems: string[] = [];
        const lineOfEvent = await appendFile(file, store, options.setRecordedAt, problems);
        if (problems.length > 0) throw new Refused({ kind: 'NotIntact', problems });
        const verified = await verifyStored(store, lineOfEvent, problems);
        if (problems.length > 0) throw new Refused({ kind: 'NotIntact', problems });
        return { events: verified.eventCount, streams: verified.streamCount, then: await options.then(store) };
      }),
    );
  } catch (thrown) {
    if (thrown instanceof Refused) return E.left(thrown.refusal);
    throw thrown;
  }
};
