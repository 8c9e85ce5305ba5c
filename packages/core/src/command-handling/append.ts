import type * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../errors.js';
import type { AppendResult, EventStore } from '../event-store.js';
import { commandEventId } from '../event-ids.js';
import type { Command, DomainEvent, EventMetadataToAppend, EventToAppend } from '../messages.js';
import type { Upcasting } from '../upcasting.js';
import type { StreamHead } from './cache.js';
import type { ReceivedCommand } from './decode.js';
import { retryWhileUnavailable } from './retry.js';

/** What an event carries of the command that caused it; correlation and causation default to the command id. */
export const eventMetadataOf = (command: Command, schemaVersion: number): EventMetadataToAppend => ({
  commandId: command.metadata.commandId,
  correlationId: command.metadata.correlationId ?? command.metadata.commandId,
  causationId: command.metadata.causationId ?? command.metadata.commandId,
  actor: command.metadata.actor,
  occurredAt: command.metadata.at,
  schemaVersion,
});

/** The decided events in their envelopes: ids derived from the command, so that a retry is recognized. */
export const envelopes = (upcasting: Upcasting, { command, streamId, commandId, digest }: ReceivedCommand, events: readonly DomainEvent[]): EventToAppend[] =>
  events.map((event, index) => ({
    eventId: commandEventId(streamId, commandId, digest, index),
    type: event.type,
    data: event.data,
    metadata: eventMetadataOf(command, upcasting.currentVersion(event.type)),
  }));

/**
 * Appends at the head the decision was made on, with that head's hash, so that a store which would
 * otherwise read the stream's last event to chain the new ones needs no read (one round trip for a
 * command on a stream in the cache); a store that was unavailable is asked again.
 */
export const appendAtHead = (
  store: EventStore,
  retries: number,
  streamId: string,
  head: StreamHead,
  events: readonly EventToAppend[],
): Promise<E.Either<StoreError, AppendResult>> =>
  retryWhileUnavailable(retries, () =>
    store.appendToStream(streamId, events, head.revision < 0 ? { expectedRevision: 'noStream' } : { expectedRevision: head.revision, expectedHash: head.hash }),
  );
