import type { RecordedEvent } from '@aftersales/core';
import { COMMAND_REFUSED, CommandRefused, REFUSAL_RECORDED, refusedStreamOf } from '@aftersales/core';
import { z } from 'zod';
import type { Decoded } from './decode.js';
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
  /** For a refused command: whoever sent it, when the refusal names them. */
  subject: z.object({ id: z.string(), role: z.string() }).optional(),
  /** For a refused command: the aggregate stream it was aimed at, when it got that far. */
  targetStreamId: z.string().optional(),
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  /** The schema version the event was stored with (an old version is upcast before it is summarised). */
  schemaVersion: z.number().int(),
  summary: z.object({ zh: z.string(), en: z.string() }),
  /** False when the event's data could not be read as a known event; the summary is then generic. */
  decoded: z.boolean(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const streamCategory = (streamId: string): { aggregateType: string; aggregateId: string } => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? { aggregateType: streamId, aggregateId: '' } : { aggregateType: streamId.slice(0, dash), aggregateId: streamId.slice(dash + 1) };
};

/** Who was refused and which stream the command aimed at, for the two kinds of refusal record. */
const refusalOf = (recorded: RecordedEvent): { subject?: AuditEntry['actor']; targetStreamId?: string } | undefined => {
  if (recorded.type === COMMAND_REFUSED) {
    const refused = CommandRefused.safeParse(recorded.data);
    if (!refused.success) return undefined;
    return { ...(refused.data.actor ? { subject: refused.data.actor } : {}), ...(refused.data.targetStreamId ? { targetStreamId: refused.data.targetStreamId } : {}) };
  }
  const refused = recorded.type === REFUSAL_RECORDED ? refusedStreamOf(recorded.streamId) : undefined;
  if (refused !== undefined) {
    return { subject: recorded.metadata.actor, targetStreamId: refused };
  }
  return undefined;
};

/** The audit entry of one event, from its decoding (made once, and shared with the KPI facts). */
export const auditEntryOf = (recorded: RecordedEvent, decoded: Decoded): AuditEntry => {
  const { summary, decoded: known } = summariseEvent(recorded, decoded);
  const { metadata } = recorded;
  const refusal = refusalOf(recorded);
  return {
    position: recorded.globalPosition.toString(),
    streamId: recorded.streamId,
    revision: recorded.revision,
    ...streamCategory(recorded.streamId),
    eventId: recorded.eventId,
    type: recorded.type,
    occurredAt: metadata.occurredAt,
    recordedAt: metadata.recordedAt,
    actor: { id: metadata.actor.id, role: metadata.actor.role },
    ...(refusal?.subject ? { subject: { id: refusal.subject.id, role: refusal.subject.role } } : {}),
    ...(refusal?.targetStreamId ? { targetStreamId: refusal.targetStreamId } : {}),
    commandId: metadata.commandId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    schemaVersion: metadata.storedSchemaVersion ?? metadata.schemaVersion,
    summary,
    decoded: known,
    hash: metadata.hash,
  };
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
}

export interface AuditPageQuery extends AuditQuery {
  /** Entries strictly after this cursor (the `next` of the page before); from the first entry when absent. */
  readonly after?: string;
  /** At most this many entries (default 100, at most 10,000). */
  readonly limit?: number;
}

export const DEFAULT_AUDIT_PAGE = 100;
export const MAX_AUDIT_PAGE = 10_000;

const instant = (value: string | Date | undefined): number | undefined =>
  value === undefined ? undefined : value instanceof Date ? value.getTime() : Date.parse(value);

/** A query's time range as milliseconds; what every backend filters on. */
export const auditTimeRange = (query: AuditQuery): { readonly from?: number; readonly to?: number } => {
  const from = instant(query.from);
  const to = instant(query.to);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
};

/** Whether an entry matches every criterion of the query: the meaning each backend's query must have. */
export const matchesAuditQuery = (entry: AuditEntry, query: AuditQuery): boolean => {
  const isAggregate = (where: { streamId: string; aggregateType: string; aggregateId: string }) =>
    (query.streamId === undefined || where.streamId === query.streamId) &&
    (query.aggregateType === undefined || where.aggregateType === query.aggregateType) &&
    (query.aggregateId === undefined || where.aggregateId === query.aggregateId);
  const target = entry.targetStreamId === undefined ? undefined : { streamId: entry.targetStreamId, ...streamCategory(entry.targetStreamId) };
  if (!isAggregate(entry) && (target === undefined || !isAggregate(target))) return false;
  if (query.actorId !== undefined && entry.actor.id !== query.actorId && entry.subject?.id !== query.actorId) return false;
  if (query.role !== undefined && entry.actor.role !== query.role && entry.subject?.role !== query.role) return false;
  if (query.correlationId !== undefined && entry.correlationId !== query.correlationId) return false;
  if (query.commandId !== undefined && entry.commandId !== query.commandId) return false;
  const { from, to } = auditTimeRange(query);
  if (from !== undefined || to !== undefined) {
    const at = Date.parse(query.timeField === 'recordedAt' ? entry.recordedAt : entry.occurredAt);
    if (from !== undefined && at < from) return false;
    if (to !== undefined && at >= to) return false;
  }
  return true;
};
