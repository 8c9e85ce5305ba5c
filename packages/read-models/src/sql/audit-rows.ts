import type { AuditEntry, AuditPageQuery } from '../audit-trail.js';
import { auditTimeRange, streamCategory } from '../audit-trail.js';
import { positionKey } from '../backend.js';
import type { SqlValue } from './rows.js';
import { integer, text } from './rows.js';

export const AUDIT_COLUMNS = [
  'position',
  'stream_id',
  'revision',
  'aggregate_type',
  'aggregate_id',
  'event_id',
  'type',
  'occurred_at',
  'occurred_ms',
  'recorded_at',
  'recorded_ms',
  'actor_id',
  'actor_role',
  'subject_id',
  'subject_role',
  'target_stream_id',
  'target_aggregate_type',
  'target_aggregate_id',
  'command_id',
  'correlation_id',
  'causation_id',
  'schema_version',
  'summary_zh',
  'summary_en',
  'decoded',
  'hash',
] as const;

export const auditValues = (entry: AuditEntry): SqlValue[] => {
  const target = entry.targetStreamId === undefined ? undefined : streamCategory(entry.targetStreamId);
  return [
    positionKey(entry.position),
    entry.streamId,
    entry.revision,
    entry.aggregateType,
    entry.aggregateId,
    entry.eventId,
    entry.type,
    entry.occurredAt,
    Date.parse(entry.occurredAt),
    entry.recordedAt,
    Date.parse(entry.recordedAt),
    entry.actor.id,
    entry.actor.role,
    entry.subject?.id ?? null,
    entry.subject?.role ?? null,
    entry.targetStreamId ?? null,
    target?.aggregateType ?? null,
    target?.aggregateId ?? null,
    entry.commandId,
    entry.correlationId,
    entry.causationId,
    entry.schemaVersion,
    entry.summary.zh,
    entry.summary.en,
    entry.decoded ? 1 : 0,
    entry.hash,
  ];
};

/** A row of `rm_audit_trail` as the driver returns it (numbers may come back as strings or bigints). */
export type AuditRow = Readonly<Record<(typeof AUDIT_COLUMNS)[number], unknown>>;

export const auditEntryOfRow = (row: AuditRow): AuditEntry => ({
  position: BigInt(text(row.position)).toString(),
  streamId: text(row.stream_id),
  revision: integer(row.revision),
  aggregateType: text(row.aggregate_type),
  aggregateId: text(row.aggregate_id),
  eventId: text(row.event_id),
  type: text(row.type),
  occurredAt: text(row.occurred_at),
  recordedAt: text(row.recorded_at),
  actor: { id: text(row.actor_id), role: text(row.actor_role) },
  ...(row.subject_id === null ? {} : { subject: { id: text(row.subject_id), role: text(row.subject_role) } }),
  ...(row.target_stream_id === null ? {} : { targetStreamId: text(row.target_stream_id) }),
  commandId: text(row.command_id),
  correlationId: text(row.correlation_id),
  causationId: text(row.causation_id),
  schemaVersion: integer(row.schema_version),
  summary: { zh: text(row.summary_zh), en: text(row.summary_en) },
  decoded: integer(row.decoded) === 1,
  hash: text(row.hash),
});

/**
 * The WHERE clause of an audit page, with `?` placeholders: the same meaning as `matchesAuditQuery`,
 * written so that the indexes above serve it.
 */
export const auditWhere = (query: AuditPageQuery): { readonly sql: string; readonly params: SqlValue[] } => {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const aggregate = (streamColumn: string, typeColumn: string, idColumn: string): string | undefined => {
    const parts: string[] = [];
    if (query.streamId !== undefined) {
      parts.push(`${streamColumn} = ?`);
      params.push(query.streamId);
    }
    if (query.aggregateType !== undefined) {
      parts.push(`${typeColumn} = ?`);
      params.push(query.aggregateType);
    }
    if (query.aggregateId !== undefined) {
      parts.push(`${idColumn} = ?`);
      params.push(query.aggregateId);
    }
    return parts.length === 0 ? undefined : `(${parts.join(' AND ')})`;
  };
  const own = aggregate('stream_id', 'aggregate_type', 'aggregate_id');
  const targeted = aggregate('target_stream_id', 'target_aggregate_type', 'target_aggregate_id');
  if (own !== undefined && targeted !== undefined) clauses.push(`(${own} OR ${targeted})`);
  const either = (column: string, other: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`(${column} = ? OR ${other} = ?)`);
    params.push(value, value);
  };
  either('actor_id', 'subject_id', query.actorId);
  either('actor_role', 'subject_role', query.role);
  if (query.correlationId !== undefined) {
    clauses.push('correlation_id = ?');
    params.push(query.correlationId);
  }
  if (query.commandId !== undefined) {
    clauses.push('command_id = ?');
    params.push(query.commandId);
  }
  const { from, to } = auditTimeRange(query);
  const timeColumn = query.timeField === 'recordedAt' ? 'recorded_ms' : 'occurred_ms';
  if (from !== undefined) {
    clauses.push(`${timeColumn} >= ?`);
    params.push(from);
  }
  if (to !== undefined) {
    clauses.push(`${timeColumn} < ?`);
    params.push(to);
  }
  if (query.after !== undefined) {
    clauses.push('position > ?');
    params.push(positionKey(query.after));
  }
  return { sql: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
};
