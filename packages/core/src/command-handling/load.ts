import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { StoreError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { GENESIS_HASH } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import type { Upcasting } from '../upcasting.js';
import type { StreamHead } from './cache.js';
import { decodeRecordedEvent } from './decode.js';
import { readStreamOrNothing } from './read-stream.js';
import { readRefusals } from './refusal-journal.js';

/** A stream as read from the store: its head, its events, and those of one command id, if it was already handled. */
export interface LoadedStream extends StreamHead {
  readonly events: readonly RecordedEvent[];
  /** The stored events of the command id looked for: a retry when not empty. */
  readonly earlier: readonly RecordedEvent[];
}

/** Reads and folds a stream and its refusal journal: each event upcast and decoded once. */
export const loadStream = async (
  store: EventStore,
  upcasting: Upcasting,
  definition: AnyAggregateDefinition,
  streamId: string,
  commandId?: string,
): Promise<E.Either<StoreError, LoadedStream>> => {
  let state: unknown = definition.decider.initialState;
  let revision = -1;
  let hash = GENESIS_HASH;
  let lastAt: string | undefined;
  const events: RecordedEvent[] = [];
  const earlier: RecordedEvent[] = [];
  const commandIds = new Set<string>();
  const read = await readStreamOrNothing(store, streamId, (stored) => {
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
  });
  if (E.isLeft(read)) return read;
  const refusals = await readRefusals(store, streamId);
  if (E.isLeft(refusals)) return refusals;
  return E.right({ state, revision, hash, lastAt, commandIds, refusals: refusals.right, events, earlier });
};
