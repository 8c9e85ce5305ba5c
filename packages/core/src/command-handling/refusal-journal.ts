import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { DomainError, StoreError } from '../errors.js';
import { corruptedEvent } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventToAppend } from '../messages.js';
import { eventMetadataOf } from './append.js';
import type { FirstRefusal } from './cache.js';
import type { ReceivedCommand } from './decode.js';
import { readStreamOrNothing } from './read-stream.js';
import { retryWhileUnavailable } from './retry.js';

/** The refusal journal of an aggregate stream: `Refusals-<streamId>`, e.g. `Refusals-Budget-B-1`. */
export const REFUSALS_PREFIX = 'Refusals-';
export const refusalStreamOf = (streamId: string): string => `${REFUSALS_PREFIX}${streamId}`;
/** The stream whose refusals a journal stream records, or undefined for a stream that is no refusal journal. */
export const refusedStreamOf = (journalStreamId: string): string | undefined =>
  journalStreamId.startsWith(REFUSALS_PREFIX) ? journalStreamId.slice(REFUSALS_PREFIX.length) : undefined;
export const REFUSAL_RECORDED = 'RefusalRecorded';

/** A decider's refusal as the journal keeps it: the command, and the error exactly as returned. */
export const RefusalRecordedData = z.object({
  commandId: z.string(),
  commandType: z.string(),
  /** The refused command's `commandDigest`; absent in entries recorded before it was kept. */
  commandDigest: z.string().optional(),
  error: z.looseObject({ code: z.string(), message: z.string() }),
});
export type RefusalRecordedData = z.infer<typeof RefusalRecordedData>;

/** The first refusal of each command id in a stream's journal. */
export const readRefusals = async (store: EventStore, streamId: string): Promise<E.Either<StoreError, Map<string, FirstRefusal>>> => {
  const refusals = new Map<string, FirstRefusal>();
  const read = await readStreamOrNothing(store, refusalStreamOf(streamId), (stored) => {
    const recorded = RefusalRecordedData.safeParse(stored.data);
    if (!recorded.success) return E.left(corruptedEvent(stored.streamId, stored.revision, `${stored.type} does not decode`));
    const { commandId, commandType, commandDigest, error } = recorded.data;
    if (!refusals.has(commandId)) refusals.set(commandId, { error, commandType, commandDigest });
    return E.right(undefined);
  });
  return E.isLeft(read) ? read : E.right(refusals);
};

/**
 * Keeps a decider's refusal in the stream's refusal journal, so that the same command sent again
 * returns this refusal however the aggregate has changed since. Nothing goes into the aggregate's
 * own stream.
 */
export const journalRefusal = async (
  store: EventStore,
  retries: number,
  { command, streamId, commandId, digest }: ReceivedCommand,
  error: DomainError,
): Promise<E.Either<StoreError, void>> => {
  const journal = refusalStreamOf(streamId);
  const event: EventToAppend = {
    eventId: deterministicEventId(journal, commandId, 0),
    type: REFUSAL_RECORDED,
    data: { commandId, commandType: command.type, commandDigest: digest, error },
    metadata: eventMetadataOf(command, 1),
  };
  const appended = await retryWhileUnavailable(retries, () => store.appendToStream(journal, [event], { expectedRevision: 'any' }));
  return E.isLeft(appended) ? appended : E.right(undefined);
};
