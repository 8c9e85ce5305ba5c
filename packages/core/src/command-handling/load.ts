import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { StoreError } from '../errors.js';
import { corruptedEvent } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { GENESIS_HASH } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import type { Upcasting } from '../upcasting.js';
import type { StreamHead } from './cache.js';
import { mayHoldCommandId } from './command-id-filter.js';
import { decodeRecordedEvent } from './decode.js';
import { readStreamOrNothing } from './read-stream.js';
import { readRefusals } from './refusal-journal.js';
import { commandIdsOfHead, readSnapshot, takeSnapshot } from './snapshot.js';

/** A stream as read from the store: its head, its events, and those of one command id, if it was already handled. */
export interface LoadedStream {
  readonly head: StreamHead;
  readonly events: readonly RecordedEvent[];
  /** The stored events of the command id looked for: a retry when not empty. */
  readonly earlier: readonly RecordedEvent[];
}

export interface LoadOptions {
  /** Start from the newest snapshot, and take one once this many events were read past it; no snapshots when absent. */
  readonly snapshotEvery?: number | undefined;
  /** Read the whole stream even if it has a snapshot (which is then taken again). */
  readonly passOverSnapshot?: boolean;
}

/**
 * Reads and folds a stream and its refusal journal, from the stream's newest snapshot when there is
 * one: each event read is upcast and decoded once. A snapshot whose revision no longer holds the
 * event hash it was taken at is passed over, and the whole stream read; so is one whose filter says
 * the command id looked for may be stored before it, so that its stored events are found.
 */
export const loadStream = async (
  store: EventStore,
  upcasting: Upcasting,
  definition: AnyAggregateDefinition,
  streamId: string,
  commandId?: string,
  options: LoadOptions = {},
): Promise<E.Either<StoreError, LoadedStream>> => {
  const snapshot = options.snapshotEvery === undefined || options.passOverSnapshot === true ? undefined : await readSnapshot(store, definition, streamId);
  if (snapshot !== undefined && commandId !== undefined && mayHoldCommandId(snapshot.commandIds, commandId)) {
    return loadStream(store, upcasting, definition, streamId, commandId);
  }
  let state: unknown = snapshot?.state ?? definition.decider.initialState;
  let revision = -1;
  let hash = GENESIS_HASH;
  let lastAt: string | undefined;
  let onSnapshot = snapshot === undefined;
  const events: RecordedEvent[] = [];
  const earlier: RecordedEvent[] = [];
  const commandIds = new Set<string>();
  const read = await readStreamOrNothing(
    store,
    streamId,
    (stored) => {
      if (!onSnapshot) {
        if (stored.revision !== snapshot!.revision || stored.metadata.hash !== snapshot!.hash) return E.left(snapshotMismatch);
        onSnapshot = true;
        ({ revision, hash, lastAt } = snapshot!);
        return E.right(undefined);
      }
      const decoded = decodeRecordedEvent(definition, upcasting, stored);
      if (E.isLeft(decoded)) return decoded;
      state = definition.decider.evolve(state, decoded.right);
      revision = stored.revision;
      hash = stored.metadata.hash;
      lastAt = stored.metadata.occurredAt;
      events.push(stored);
      commandIds.add(stored.metadata.commandId);
      if (commandId !== undefined && stored.metadata.commandId === commandId) earlier.push(stored);
      return E.right(undefined);
    },
    snapshot?.revision ?? 'start',
  );
  if ((E.isLeft(read) && read.left === snapshotMismatch) || !onSnapshot) {
    return loadStream(store, upcasting, definition, streamId, commandId, { ...options, passOverSnapshot: true });
  }
  if (E.isLeft(read)) return read;
  const refusals = await readRefusals(store, streamId);
  if (E.isLeft(refusals)) return refusals;
  const head: StreamHead = { state, revision, hash, lastAt, commandIds, refusals: refusals.right, beforeSnapshot: snapshot?.commandIds };
  if (options.snapshotEvery !== undefined && events.length >= options.snapshotEvery) {
    const seen = commandIdsOfHead(head);
    // Ids past what the snapshot's filter is sized for: the whole stream is read for a larger one.
    if (seen === undefined) return loadStream(store, upcasting, definition, streamId, commandId, { ...options, passOverSnapshot: true });
    await takeSnapshot(store, definition, streamId, head, seen);
  }
  return E.right({ head, events, earlier });
};

/** A snapshot that does not sit on its stream's chain: read the whole stream instead. */
const snapshotMismatch = corruptedEvent('', -1, 'the snapshot does not match its stream');
