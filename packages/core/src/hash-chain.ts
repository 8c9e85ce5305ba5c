import * as crypto from 'node:crypto';
import { canonicalJson, canonicalJsonWithout } from './canonical-json.js';
import type { EventMetadataToAppend, EventToAppend, RecordedEvent, RecordedEventMetadata } from './messages.js';

/**
 * SHA-256 of a text, in hex. The one-shot `crypto.hash` (Node 20.12 and later) spares building a
 * hash object per call, which shows when every event appended or verified is hashed.
 */
export const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The `prevHash` of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

export type SealedEvent = Omit<RecordedEvent, 'globalPosition'>;

/**
 * The metadata members the hash does not cover: the hash itself, and the trace context of the span
 * that appended the event. The trace context is diagnostic, not evidence: a retry of the same command
 * in another trace, a replay for an audit with tracing off, or a process without an SDK must store
 * the same business content under the same hashes, and the trace ids are random.
 */
export const HASH_EXCLUDED_METADATA = ['hash', 'trace'] as const;
const EXCLUDED: ReadonlySet<string> = new Set(HASH_EXCLUDED_METADATA);

/** The members of stored metadata besides those excluded, in canonical (sorted) order. */
const METADATA_MEMBERS = ['actor', 'causationId', 'commandId', 'correlationId', 'occurredAt', 'prevHash', 'recordedAt', 'schemaVersion'] as const;

/**
 * The canonical JSON of metadata without the members the hash leaves out, written straight out when
 * it holds exactly the other members every stored event has (with strings and a finite version where
 * they belong), as it does for every event appended or verified; anything else goes through
 * `canonicalJsonWithout`.
 */
const metadataContent = (metadata: RecordedEventMetadata): string => {
  let members = 0;
  for (const key in metadata) if (!EXCLUDED.has(key) && (metadata as unknown as Record<string, unknown>)[key] !== undefined) members += 1;
  const { actor, schemaVersion } = metadata;
  const standard =
    members === METADATA_MEMBERS.length &&
    typeof actor === 'object' &&
    actor !== null &&
    Object.keys(actor).length === 2 &&
    typeof actor.id === 'string' &&
    typeof actor.role === 'string' &&
    Number.isFinite(schemaVersion) &&
    METADATA_MEMBERS.every((key) => key === 'actor' || key === 'schemaVersion' || typeof metadata[key] === 'string');
  if (!standard) return canonicalJsonWithout(metadata, EXCLUDED);
  const text = JSON.stringify;
  return `{"actor":{"id":${text(actor.id)},"role":${text(actor.role)}},"causationId":${text(metadata.causationId)},"commandId":${text(metadata.commandId)},"correlationId":${text(metadata.correlationId)},"occurredAt":${text(metadata.occurredAt)},"prevHash":${text(metadata.prevHash)},"recordedAt":${text(metadata.recordedAt)},"schemaVersion":${text(schemaVersion)}}`;
};

/**
 * What the hash covers: everything about the event but its global position, its own hash and its
 * trace context, as the canonical JSON of `{ streamId, revision, eventId, type, data, metadata }`. The outer object is
 * written out with its keys already in canonical order, as this runs for every event hashed.
 */
const hashedContent = (event: SealedEvent | RecordedEvent): string => {
  const data = event.data === undefined ? '' : `"data":${canonicalJson(event.data)},`;
  return `{${data}"eventId":${canonicalJson(event.eventId)},"metadata":${metadataContent(event.metadata)},"revision":${canonicalJson(event.revision)},"streamId":${canonicalJson(event.streamId)},"type":${canonicalJson(event.type)}}`;
};

export const computeEventHash = (event: SealedEvent | RecordedEvent): string =>
  sha256Hex(hashedContent(event));

type Writable<T> = { -readonly [Key in keyof T]: T[Key] };

const MEMBERS_TO_APPEND = ['commandId', 'correlationId', 'causationId', 'actor', 'occurredAt', 'schemaVersion'] as const;

/**
 * The metadata an event is stored with. Written member by member when it holds just the members
 * every event has: V8 builds a copy made with spread syntax and then given new members far more
 * slowly, and this runs for every event appended. Members it does not know are kept (the hash covers them).
 */
const storedMetadata = (metadata: EventMetadataToAppend, recordedAt: string, prevHash: string): Writable<RecordedEventMetadata> => {
  const standard = Object.keys(metadata).length === MEMBERS_TO_APPEND.length && MEMBERS_TO_APPEND.every((member) => member in metadata);
  if (!standard) return { ...metadata, recordedAt, prevHash, hash: '' };
  const { commandId, correlationId, causationId, actor, occurredAt, schemaVersion } = metadata;
  return { commandId, correlationId, causationId, actor, occurredAt, schemaVersion, recordedAt, prevHash, hash: '' };
};

/**
 * Gives a batch its revisions, `recordedAt` and hash chain. Every adapter calls this inside its
 * append, once it knows the stream's last revision and last hash, so the chain is the same whatever
 * the store.
 */
export const sealEvents = (
  streamId: string,
  firstRevision: number,
  prevHash: string,
  events: readonly EventToAppend[],
  recordedAt: string,
): SealedEvent[] => {
  const sealed: SealedEvent[] = [];
  let previous = prevHash;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index]!;
    // Built once and given its hash in place: this runs for every event appended.
    const metadata = storedMetadata(event.metadata, recordedAt, previous);
    const one: SealedEvent = { streamId, revision: firstRevision + index, eventId: event.eventId, type: event.type, data: event.data, metadata };
    metadata.hash = computeEventHash(one);
    sealed.push(one);
    previous = metadata.hash;
  }
  return sealed;
};

export type ChainProblem =
  | { readonly kind: 'BrokenHash'; readonly streamId: string; readonly revision: number; readonly expected: string; readonly found: string }
  | { readonly kind: 'BrokenLink'; readonly streamId: string; readonly revision: number; readonly expected: string; readonly found: string }
  | { readonly kind: 'Gap'; readonly streamId: string; readonly revision: number; readonly expected: number; readonly found: number };

/**
 * Checks one stream's events, in the order read, against the chain: each revision follows the one
 * before, each `prevHash` is the previous event's hash, each hash matches the content. Returns the
 * problems found, in order; an intact stream gives none.
 */
export const verifyStreamChain = (events: Iterable<RecordedEvent | SealedEvent>): ChainProblem[] => {
  const problems: ChainProblem[] = [];
  let expectedRevision = 0;
  let expectedPrev = GENESIS_HASH;
  for (const event of events) {
    if (event.revision !== expectedRevision) {
      problems.push({ kind: 'Gap', streamId: event.streamId, revision: event.revision, expected: expectedRevision, found: event.revision });
    }
    if (event.metadata.prevHash !== expectedPrev) {
      problems.push({ kind: 'BrokenLink', streamId: event.streamId, revision: event.revision, expected: expectedPrev, found: event.metadata.prevHash });
    }
    const actual = computeEventHash(event);
    if (actual !== event.metadata.hash) {
      problems.push({ kind: 'BrokenHash', streamId: event.streamId, revision: event.revision, expected: actual, found: event.metadata.hash });
    }
    expectedRevision = event.revision + 1;
    expectedPrev = event.metadata.hash;
  }
  return problems;
};
