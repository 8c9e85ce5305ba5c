import type { CorruptedEvent, RecordedEvent } from '@aftersales/core';
import { corruptedEvent, deterministicEventId } from '@aftersales/core';
import { RecordedEventMetadataSchema } from '@aftersales/core/adapter-kit';
import type { SealedEvent } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { EventData, WireEvent } from './client.js';
import { toGlobalPosition } from './position.js';

/**
 * The metadata written with every event: the library's fields, the library's event id (see
 * `serverEventId`), and `$correlationId` and `$causationId`, the names EventStoreDB's projections
 * and UI use to link related events.
 */
export const metadataToWrite = (event: SealedEvent): Record<string, unknown> => ({
  $correlationId: event.metadata.correlationId,
  $causationId: event.metadata.causationId,
  eventId: event.eventId,
  ...event.metadata,
});

/**
 * The id EventStoreDB stores an event under: a name-based UUID of the event's hash, which
 * covers the library's event id, stream, revision, data and metadata with `recordedAt` and
 * `prevHash`. The server answers an append whose ids it already holds after the expected revision
 * as stored; with these ids it does so only for the very same sealed events, never for the same
 * command sealed by another process at another instant, so the head an append leaves is known
 * without reading it. The library's own id travels in the metadata (`eventId`).
 */
export const serverEventId = (event: SealedEvent): string => deterministicEventId(event.streamId, event.metadata.hash, event.revision);

// The clients serialize data with JSON.stringify, which takes any JSON value; their type is narrower.
export const toEventData = (event: SealedEvent): EventData => ({
  id: serverEventId(event),
  contentType: 'application/json',
  type: event.type,
  data: event.data as Record<string, unknown>,
  metadata: metadataToWrite(event),
});

/** EventStoreDB's own records: `$`-prefixed types (`$metadata`, `$>`, `$streamDeleted`) or streams. */
export const isSystemEvent = (event: Pick<WireEvent, 'streamId' | 'type'>): boolean =>
  event.streamId.startsWith('$') || event.type.startsWith('$');

const LibraryMark = z.object({ hash: z.string(), prevHash: z.string() });

/**
 * Whether an event was written by this library (JSON, and metadata carrying the hash chain) rather
 * than by another application sharing the database. Readers of `$all` pass over the others: they are
 * not part of this log. A library event whose metadata is otherwise broken still fails to decode.
 */
export const isLibraryEvent = (event: Pick<WireEvent, 'isJson' | 'metadata'>): boolean => event.isJson && LibraryMark.safeParse(event.metadata).success;

/** What the server sends for an event it cannot place in `$all` from a stream read. */
const NO_POSITION = 2n ** 64n - 1n;

/**
 * The global position of an event read from a stream that the server could not place in `$all`
 * (only events of explicit transactions, which the gRPC API never writes); reads of `$all` and
 * subscriptions always carry the real one.
 */
export const UNKNOWN_GLOBAL_POSITION = -1n;

const Revision = z.bigint().nonnegative().max(BigInt(Number.MAX_SAFE_INTEGER));
/** The library's event id in the metadata; events written before it was kept there are stored under it. */
const LibraryEventId = z.object({ eventId: z.string().optional() });

/** Decodes an event read back, checking everything the library wrote rather than trusting it. */
export const decodeEvent = (event: WireEvent): E.Either<CorruptedEvent, RecordedEvent> => {
  const revision = Revision.safeParse(event.revision);
  const at = revision.success ? Number(revision.data) : -1;
  if (!revision.success) return E.left(corruptedEvent(event.streamId, at, `revision ${event.revision} is out of range`));
  if (!event.isJson) return E.left(corruptedEvent(event.streamId, at, 'the event is not JSON'));
  const metadata = RecordedEventMetadataSchema.safeParse(event.metadata);
  if (!metadata.success) {
    return E.left(corruptedEvent(event.streamId, at, `metadata does not decode: ${z.prettifyError(metadata.error).replaceAll('\n', ' ')}`));
  }
  const libraryId = LibraryEventId.safeParse(event.metadata);
  if (!libraryId.success) return E.left(corruptedEvent(event.streamId, at, 'metadata.eventId is not a string'));
  if (event.position === undefined) return E.left(corruptedEvent(event.streamId, at, 'the event has no position in $all'));
  return E.right({
    streamId: event.streamId,
    revision: at,
    globalPosition: event.position.commit === NO_POSITION ? UNKNOWN_GLOBAL_POSITION : toGlobalPosition(event.position),
    eventId: libraryId.data.eventId ?? event.id,
    type: event.type,
    data: event.data,
    metadata: metadata.data,
  });
};
