import type { EventData, JSONType, RecordedEvent as ClientRecordedEvent } from '@eventstore/db-client';
import { jsonEvent } from '@eventstore/db-client';
import type { CorruptedEvent, RecordedEvent } from '@aftersales/core';
import { RecordedEventMetadataSchema, corruptedEvent } from '@aftersales/core';
import type { SealedEvent } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { toGlobalPosition } from './position.js';

/**
 * The metadata written with every event: the library's fields, plus `$correlationId` and
 * `$causationId`, the names EventStoreDB's projections and UI use to link related events.
 */
export const metadataToWrite = (event: SealedEvent): Record<string, unknown> => ({
  $correlationId: event.metadata.correlationId,
  $causationId: event.metadata.causationId,
  ...event.metadata,
});

// The client serializes data with JSON.stringify, which takes any JSON value; its type is narrower.
export const toEventData = (event: SealedEvent): EventData =>
  jsonEvent({ id: event.eventId, type: event.type, data: event.data as JSONType, metadata: metadataToWrite(event) });

/** EventStoreDB's own records: `$`-prefixed types (`$metadata`, `$>`, `$streamDeleted`) or streams. */
export const isSystemEvent = (event: Pick<ClientRecordedEvent, 'streamId' | 'type'>): boolean =>
  event.streamId.startsWith('$') || event.type.startsWith('$');

/** What the server sends for an event it cannot place in `$all` from a stream read. */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * The global position of an event read from a stream that the server could not place in `$all`
 * (only events of explicit transactions, which the gRPC API never writes); reads of `$all` and
 * subscriptions always carry the real one.
 */
export const UNKNOWN_GLOBAL_POSITION = -1n;

const Revision = z.bigint().nonnegative().max(BigInt(Number.MAX_SAFE_INTEGER));

/** Decodes an event read back, checking everything the library wrote rather than trusting it. */
export const decodeEvent = (event: ClientRecordedEvent): E.Either<CorruptedEvent, RecordedEvent> => {
  const revision = Revision.safeParse(event.revision);
  const at = revision.success ? Number(revision.data) : -1;
  if (!revision.success) return E.left(corruptedEvent(event.streamId, at, `revision ${event.revision} is out of range`));
  if (!event.isJson) return E.left(corruptedEvent(event.streamId, at, 'the event is not JSON'));
  const metadata = RecordedEventMetadataSchema.safeParse(event.metadata);
  if (!metadata.success) {
    return E.left(corruptedEvent(event.streamId, at, `metadata does not decode: ${z.prettifyError(metadata.error).replaceAll('\n', ' ')}`));
  }
  if (event.position === undefined) return E.left(corruptedEvent(event.streamId, at, 'the event has no position in $all'));
  return E.right({
    streamId: event.streamId,
    revision: at,
    globalPosition: event.position.commit === NO_POSITION ? UNKNOWN_GLOBAL_POSITION : toGlobalPosition(event.position),
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: metadata.data,
  });
};
