import * as E from 'fp-ts/lib/Either.js';
import type { Projection, RecordedEvent } from '@aftersales/core';
import { COMMAND_REFUSED, CommandRefused } from '@aftersales/core';
import { z } from 'zod';
import { internerFor } from './interning.js';
import { summariseEvent } from './summaries.js';

export const AuditEntry = z.object({
  /** Global position in the store, as a decimal string (JSON has no bigint). */
  position: z.string(),
  streamId: z.string(),
  revision: z.number().int().nonnegative(),
  /** The stream's category (`RepairOrder`, `Budget`, `SecurityLog`…) and the aggregate's id. */
  aggregateType: z.string(),
  aggregateId: z.string(),
  eventId: z.string(),
  type: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  actor: z.object({ id: z.string(), role: z.string() }),
  /** For a refused command: whoever sent it, when the security log names them. */
  subject: z.object({ id: z.string(), role: z.string() }).optional(),
  /** For a refused command: the aggregate stream it was aimed at, when it got that far. */
  targetStreamId: z.string().optional(),
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  schemaVersion: z.number().int(),
  summary: z.object({ zh: z.string(), en: z.string() }),
  /** False when the event's data could not be read as a known event; the summary is then generic. */
  decoded: z.boolean(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditTrailState = z.object({ entries: z.array(AuditEntry) });
export type AuditTrailState = z.infer<typeof AuditTrailState>;

const category = (streamId: string): { aggregateType: string; aggregateId: string } => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { aggregateType: streamId, aggregateId: '' } : { aggregateType: streamId.slice(0, dash), aggregateId: streamId.slice(dash + 1) };
};

interface StreamFields {
  readonly streamId: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
}

const internerOf = internerFor();
const streamsOf = new WeakMap<object, Map<string, StreamFields>>();

/** A stream's id and category, shared by every entry of the stream rather than sliced again per event. */
const streamFields = (state: object, streamId: string): StreamFields => {
  let streams = streamsOf.get(state);
  if (streams === undefined) {
    streams = new Map();
    streamsOf.set(state, streams);
  }
  const known = streams.get(streamId);
  if (known !== undefined) return known;
  const interner = internerOf(state);
  const { aggregateType, aggregateId } = category(streamId);
  const created = { streamId, aggregateType: interner.string(aggregateType), aggregateId };
  streams.set(streamId, created);
  return created;
};

/**
 * The same text as one flat string. Summaries are built by template literals, which V8 keeps as trees
 * of the pieces they joined; an entry held for the life of the trail is smaller flattened, and V8
 * flattens a string to read it as a number (the number itself is not wanted).
 */
const flattened = (text: string): string => {
  Number(text);
  return text;
};

const refusalOf = (recorded: RecordedEvent): CommandRefused | undefined => {
  if (recorded.type !== COMMAND_REFUSED) return undefined;
  const refused = CommandRefused.safeParse(recorded.data);
  return refused.success ? refused.data : undefined;
};

/**
 * The entry of one event. Strings and actors equal to ones the same state already holds are shared
 * with them (`sharing` is the state), and a command's correlation and causation ids that equal its
 * command id are the same string.
 */
const entryWithin = (sharing: object, recorded: RecordedEvent): AuditEntry => {
  const summarised = summariseEvent(recorded);
  const summary = { zh: flattened(summarised.summary.zh), en: flattened(summarised.summary.en) };
  const { decoded } = summarised;
  const { metadata } = recorded;
  const interner = internerOf(sharing);
  const { streamId, aggregateType, aggregateId } = streamFields(sharing, recorded.streamId);
  const type = interner.string(recorded.type);
  const actor = interner.actor(metadata.actor.id, metadata.actor.role);
  const { commandId } = metadata;
  const correlationId = metadata.correlationId === commandId ? commandId : metadata.correlationId;
  const causationId = metadata.causationId === commandId ? commandId : metadata.causationId;
  const refusal = refusalOf(recorded);
  // Every entry but a refusal has one literal shape, built without spreads: the cheap path of a rebuild.
  if (refusal === undefined) {
    return {
      position: recorded.globalPosition.toString(),
      streamId,
      revision: recorded.revision,
      aggregateType,
      aggregateId,
      eventId: recorded.eventId,
      type,
      occurredAt: metadata.occurredAt,
      recordedAt: metadata.recordedAt,
      actor,
      commandId,
      correlationId,
      causationId,
      schemaVersion: metadata.schemaVersion,
      summary,
      decoded,
      hash: metadata.hash,
    };
  }
  return {
    position: recorded.globalPosition.toString(),
    streamId,
    revision: recorded.revision,
    aggregateType,
    aggregateId,
    eventId: recorded.eventId,
    type,
    occurredAt: metadata.occurredAt,
    recordedAt: metadata.recordedAt,
    actor,
    ...(refusal.actor ? { subject: refusal.actor } : {}),
    ...(refusal.targetStreamId ? { targetStreamId: refusal.targetStreamId } : {}),
    commandId,
    correlationId,
    causationId,
    schemaVersion: metadata.schemaVersion,
    summary,
    decoded,
    hash: metadata.hash,
  };
};

export const auditEntryOf = (recorded: RecordedEvent): AuditEntry => entryWithin({}, recorded);

/**
 * Appends one entry in place (the runner owns the state; copying the whole trail per event would make
 * a rebuild quadratic). Entries stay in global order, and an event at or before the last entry is
 * ignored, so redelivery changes nothing.
 */
export const evolveAuditTrail = (state: AuditTrailState, recorded: RecordedEvent): AuditTrailState => {
  const last = state.entries.at(-1);
  if (last !== undefined && recorded.globalPosition <= BigInt(last.position)) return state;
  state.entries.push(entryWithin(state, recorded));
  return state;
};

/** Every event of every stream, security log included, as an entry an auditor can read. */
export const auditTrailProjection: Projection<AuditTrailState> = {
  name: 'audit-trail',
  get initialState() {
    return { entries: [] };
  },
  evolve: evolveAuditTrail,
  serialize: (state) => state,
  deserialize: (stored) => {
    const parsed = AuditTrailState.safeParse(stored);
    return parsed.success ? E.right(parsed.data) : E.left(parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '));
  },
};

export interface AuditQuery {
  /**
   * An aggregate type (`RepairOrder`) and optionally its id, or a whole stream id. Refused commands
   * aimed at that aggregate or stream match too, so an auditor sees the attempts beside the facts.
   */
  readonly aggregateType?: string;
  readonly aggregateId?: string;
  readonly streamId?: string;
  /** Entries by this actor id, as the actor of the event or as the sender of a refused command. */
  readonly actorId?: string;
  readonly role?: string;
  readonly correlationId?: string;
  readonly commandId?: string;
  /** Business time range, inclusive start, exclusive end. */
  readonly from?: string | Date;
  readonly to?: string | Date;
  /** Filter the range on `recordedAt` instead of `occurredAt`. */
  readonly timeField?: 'occurredAt' | 'recordedAt';
  readonly limit?: number;
}

const instant = (value: string | Date | undefined): number | undefined =>
  value === undefined ? undefined : value instanceof Date ? value.getTime() : Date.parse(value);

/** Entries matching every given criterion, in global order. */
export const queryAuditTrail = (state: AuditTrailState, query: AuditQuery = {}): AuditEntry[] => {
  const from = instant(query.from);
  const to = instant(query.to);
  const field = query.timeField ?? 'occurredAt';
  const matches = (entry: AuditEntry): boolean => {
    const isAggregate = (where: { streamId: string; aggregateType: string; aggregateId: string }) =>
      (query.streamId === undefined || where.streamId === query.streamId) &&
      (query.aggregateType === undefined || where.aggregateType === query.aggregateType) &&
      (query.aggregateId === undefined || where.aggregateId === query.aggregateId);
    const target = entry.targetStreamId === undefined ? undefined : { streamId: entry.targetStreamId, ...category(entry.targetStreamId) };
    if (!isAggregate(entry) && (target === undefined || !isAggregate(target))) return false;
    if (query.actorId !== undefined && entry.actor.id !== query.actorId && entry.subject?.id !== query.actorId) return false;
    if (query.role !== undefined && entry.actor.role !== query.role && entry.subject?.role !== query.role) return false;
    if (query.correlationId !== undefined && entry.correlationId !== query.correlationId) return false;
    if (query.commandId !== undefined && entry.commandId !== query.commandId) return false;
    if (from !== undefined || to !== undefined) {
      const at = Date.parse(entry[field]);
      if (from !== undefined && at < from) return false;
      if (to !== undefined && at >= to) return false;
    }
    return true;
  };
  const found: AuditEntry[] = [];
  for (const entry of state.entries) {
    if (!matches(entry)) continue;
    found.push(entry);
    if (query.limit !== undefined && found.length >= query.limit) break;
  }
  return found;
};
