import type { ConcurrencyConflict, ExpectedRevision } from './errors.js';
import { concurrencyConflict } from './errors.js';
import type { EventToAppend, RecordedEvent } from './messages.js';
import { EventMetadataToAppendSchema } from './messages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const isActorText = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 200;

/**
 * True for metadata of exactly the members command handling writes, each as the schema wants it:
 * such metadata needs no run through the schema, which every append would otherwise pay for every
 * event. Anything else (another member, a trace context, a wrong type) goes through the schema.
 */
const isPlainValidMetadata = (metadata: EventToAppend['metadata']): boolean => {
  if (typeof metadata !== 'object' || metadata === null) return false;
  let members = 0;
  for (const key in metadata) {
    if (key === 'trace') return false;
    members += 1;
  }
  const { commandId, correlationId, causationId, actor, occurredAt, schemaVersion } = metadata;
  return (
    members === 6 &&
    typeof commandId === 'string' &&
    typeof correlationId === 'string' &&
    typeof causationId === 'string' &&
    typeof occurredAt === 'string' &&
    Number.isInteger(schemaVersion) &&
    schemaVersion > 0 &&
    typeof actor === 'object' &&
    actor !== null &&
    Object.getPrototypeOf(actor) === Object.prototype &&
    Object.keys(actor).length === 2 &&
    isActorText(actor.id) &&
    isActorText(actor.role)
  );
};

const metadataProblem = (event: EventToAppend): string | undefined => {
  if (isPlainValidMetadata(event.metadata)) return undefined;
  const parsed = EventMetadataToAppendSchema.safeParse(event.metadata);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((issue) => `${['metadata', ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
};

/**
 * Rules every adapter applies to a batch before touching storage; returns what is wrong, if anything.
 * The metadata is checked by the schema reads decode it with, so an append that succeeds can always
 * be read back, whoever makes it (command handling, a seal, the security log, an import).
 */
export const validateBatch = (streamId: string, events: readonly EventToAppend[]): string | undefined => {
  if (streamId.length === 0) return 'the stream id is empty';
  if (streamId.startsWith('$')) return `stream ${streamId}: ids starting with $ are reserved for the store`;
  if (events.length === 0) return `stream ${streamId}: an append needs at least one event`;
  const seen = new Set<string>();
  for (const event of events) {
    if (!UUID.test(event.eventId)) return `stream ${streamId}: event id ${event.eventId} is not a UUID`;
    if (seen.has(event.eventId)) return `stream ${streamId}: event id ${event.eventId} appears twice in one batch`;
    seen.add(event.eventId);
    if (event.type.length === 0) return `stream ${streamId}: an event has an empty type`;
    if (event.data === undefined) return `stream ${streamId}: event ${event.eventId} has no data`;
    const problem = metadataProblem(event);
    if (problem !== undefined) return `stream ${streamId}: event ${event.eventId} has metadata that could not be read back (${problem})`;
  }
  return undefined;
};

/** `currentRevision` is -1 for a stream that does not exist. */
export const checkExpectedRevision = (
  streamId: string,
  expected: ExpectedRevision,
  currentRevision: number,
): ConcurrencyConflict | undefined => {
  const actual = currentRevision < 0 ? 'noStream' : currentRevision;
  const ok =
    expected === 'any' ||
    (expected === 'noStream' && currentRevision < 0) ||
    (expected === 'streamExists' && currentRevision >= 0) ||
    expected === currentRevision;
  return ok ? undefined : concurrencyConflict(streamId, expected, actual);
};

/**
 * Recognizes a retried append: the batch's first event id is already in the stream, right after the
 * expected revision (or anywhere, for `any` and `streamExists`). Returns the stored events that match
 * the batch's ids in order (all of them for a true retry, fewer when the batch only partly matches,
 * which the caller reports as a conflict), or undefined when this is no retry.
 */
export const findIdempotentAppend = (
  stream: readonly RecordedEvent[],
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
  /** Where the batch's first event id sits in the stream, if the adapter keeps an index of ids. */
  revisionOf?: (eventId: string) => number | undefined,
): RecordedEvent[] | undefined => {
  const firstId = events[0]?.eventId;
  if (firstId === undefined) return undefined;
  let start: number;
  if (typeof expected === 'number') start = expected + 1;
  else if (expected === 'noStream') start = 0;
  else start = revisionOf ? (revisionOf(firstId) ?? -1) : stream.findIndex((event) => event.eventId === firstId);
  if (start < 0 || stream[start]?.eventId !== firstId) return undefined;
  const matched: RecordedEvent[] = [];
  for (const [offset, event] of events.entries()) {
    const stored = stream[start + offset];
    if (stored?.eventId !== event.eventId) break;
    matched.push(stored);
  }
  return matched;
};
