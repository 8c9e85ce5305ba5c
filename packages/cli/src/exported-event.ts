import { jsonProblem } from './output.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RecordedEvent } from '@aftersales/core';
import { RecordedEventMetadataSchema } from '@aftersales/core';
import { z } from 'zod';

/**
 * One line of `aftersales export`: a stored event with every field, its global position as a decimal
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

export const recordedEventOf = (exported: ExportedEvent): RecordedEvent => ({
  streamId: exported.streamId,
  revision: exported.revision,
  globalPosition: BigInt(exported.globalPosition),
  eventId: exported.eventId,
  type: exported.type,
  data: exported.data,
  metadata: exported.metadata,
});

/** The events of an exported log, line by line; a line that is not an exported event is a problem, not an end. */
export async function* exportedLines(file: string): AsyncGenerator<{ readonly line: number; readonly event?: ExportedEvent; readonly problem?: string }> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim().length === 0) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (thrown) {
      yield { line, problem: jsonProblem(thrown) };
      continue;
    }
    const parsed = ExportedEvent.safeParse(raw);
    yield parsed.success
      ? { line, event: parsed.data }
      : { line, problem: `not an exported event (${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ')})` };
  }
}
