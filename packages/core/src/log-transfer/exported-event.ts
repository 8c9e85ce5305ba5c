import { z } from 'zod';
import { printableJson } from '../escape.js';
import type { RecordedEvent } from '../messages.js';
import { RecordedEventMetadataSchema } from '../messages.js';

/**
 * One line of an exported log: a stored event with every field, its global position as a decimal
 * string. Metadata keeps members this version does not know, because the hash covers them.
 */
export const ExportedEvent = z.strictObject({
  globalPosition: z.string().regex(/^\d+$/, 'must be a decimal string'),
  streamId: z.string().min(1),
  revision: z.number().int().nonnegative(),
  eventId: z.string().min(1),
  type: z.string().min(1),
  data: z.unknown().refine((data) => data !== undefined, 'is required'),
  metadata: RecordedEventMetadataSchema.loose(),
});
export type ExportedEvent = z.infer<typeof ExportedEvent>;

export const exportedEventOf = (event: RecordedEvent): Record<string, unknown> => ({
  globalPosition: event.globalPosition.toString(),
  streamId: event.streamId,
  revision: event.revision,
  eventId: event.eventId,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
});

/** The line an event is exported as: JSON safe to print, which reads back as the same event. */
export const exportedLine = (event: RecordedEvent): string => printableJson(exportedEventOf(event));

export const recordedEventOf = (exported: ExportedEvent): RecordedEvent => ({
  streamId: exported.streamId,
  revision: exported.revision,
  globalPosition: BigInt(exported.globalPosition),
  eventId: exported.eventId,
  type: exported.type,
  data: exported.data,
  metadata: exported.metadata,
});
