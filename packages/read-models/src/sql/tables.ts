import type { AuditEntry, AuditPageQuery } from '../audit-trail.js';
import { auditTimeRange, streamCategory } from '../audit-trail.js';
import type { Checkpoint, ItemRow, ReadModelName } from '../backend.js';
import { positionKey } from '../backend.js';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendError } from '../backend.js';
import { corruptedReadModel } from '../backend.js';
import type { SubjectFacts, UndecodableEvent } from '../kpi-facts.js';
import { decodeSubject } from '../kpi-facts.js';
import type { KpiId, Verdict } from '../kpi-judges.js';

/**
 * The read models' tables, in SQL that SQLite and PostgreSQL both run. Every table belongs to one
 * read model and is named `rm_…` so that it can share a database (or the log's SQLite file) with
 * anything else. Positions are stored as 40-digit zero-padded decimals: text order is log order,
 * and EventStoreDB's positions (above 2^63) fit.
 */
export const CREATE_TABLES: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS rm_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS rm_checkpoints (
    read_model TEXT PRIMARY KEY,
    position   TEXT NOT NULL,
    stream_id  TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    hash       TEXT NOT NULL,
    version    TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS rm_kpi_subjects (
    subject_key TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    facts       TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS rm_kpi_items (
    kpi         TEXT NOT NULL,
    item_id     TEXT NOT NULL,
    subject_key TEXT NOT NULL,
    anchor_ms   BIGINT NOT NULL,
    anchor      TEXT NOT NULL,
    month       TEXT NOT NULL,
    deadline    TEXT,
    status      TEXT NOT NULL,
    evidence    TEXT NOT NULL,
    PRIMARY KEY (kpi, item_id)
  )`,
  'CREATE INDEX IF NOT EXISTS rm_kpi_items_by_anchor ON rm_kpi_items (kpi, anchor_ms)',
  'CREATE INDEX IF NOT EXISTS rm_kpi_items_by_subject ON rm_kpi_items (subject_key)',
  `CREATE TABLE IF NOT EXISTS rm_kpi_undecodable (
    position    TEXT PRIMARY KEY,
    stream_id   TEXT NOT NULL,
    revision    BIGINT NOT NULL,
    type        TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    problem     TEXT NOT NULL,
    evidence    TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS rm_audit_trail (
    position              TEXT PRIMARY KEY,
    stream_id             TEXT NOT NULL,
    revision              BIGINT NOT NULL,
    aggregate_type        TEXT NOT NULL,
    aggregate_id          TEXT NOT NULL,
    event_id              TEXT NOT NULL,
    type                  TEXT NOT NULL,
    occurred_at           TEXT NOT NULL,
    occurred_ms           BIGINT NOT NULL,
    recorded_at           TEXT NOT NULL,
    recorded_ms           BIGINT NOT NULL,
    actor_id              TEXT NOT NULL,
    actor_role            TEXT NOT NULL,
    subject_id            TEXT,
    subject_role          TEXT,
    target_stream_id      TEXT,
    target_aggregate_type TEXT,
    target_aggregate_id   TEXT,
    command_id            TEXT NOT NULL,
    correlation_id        TEXT NOT NULL,
    causation_id          TEXT NOT NULL,
    schema_version        INTEGER NOT NULL,
    summary_zh            TEXT NOT NULL,
    summary_en            TEXT NOT NULL,
    decoded               INTEGER NOT NULL,
    hash                  TEXT NOT NULL
  )`,
];

/**
 * The audit trail's secondary indexes, which serve `audit trail`'s filters. Each audit row would
 * otherwise go into all seven at once, at scattered places: a reset drops them, so that a rebuild
 * appends its rows to the table alone, and `ensureIndexes` (at the end of every catch-up) or the
 * next `open` builds them again in one sorted pass each.
 */
export const AUDIT_INDEXES: ReadonlyArray<{ readonly name: string; readonly create: string }> = [
  ['rm_audit_by_stream', 'stream_id, position'],
  ['rm_audit_by_aggregate', 'aggregate_type, aggregate_id, position'],
  ['rm_audit_by_target', 'target_aggregate_type, target_aggregate_id, position'],
  ['rm_audit_by_actor', 'actor_id, position'],
  ['rm_audit_by_subject', 'subject_id, position'],
  ['rm_audit_by_correlation', 'correlation_id, position'],
  ['rm_audit_by_command', 'command_id, position'],
].map(([name, columns]) => ({ name: name!, create: `CREATE INDEX IF NOT EXISTS ${name} ON rm_audit_trail (${columns})` }));

/** The tables, then every index: what `open` runs. */
export const CREATE_SCHEMA: readonly string[] = [...CREATE_TABLES, ...AUDIT_INDEXES.map((index) => index.create)];

/** The indexes a reset of each read model drops until `ensureIndexes`. */
export const INDEXES_DROPPED_BY_RESET: Readonly<Record<ReadModelName, readonly string[]>> = {
  'kpi-facts': [],
  'audit-trail': AUDIT_INDEXES.map((index) => index.name),
};

/** The tables each read model owns, emptied when it is rebuilt. */
export const TABLES_OF: Readonly<Record<ReadModelName, readonly string[]>> = {
  'kpi-facts': ['rm_kpi_subjects', 'rm_kpi_items', 'rm_kpi_undecodable'],
  'audit-trail': ['rm_audit_trail'],
};

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

export type SqlValue = string | number | null;

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

const text = (value: unknown): string => String(value);
const integer = (value: unknown): number => Number(value);

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

export const ITEM_COLUMNS = ['kpi', 'item_id', 'subject_key', 'anchor_ms', 'anchor', 'month', 'deadline', 'status', 'evidence'] as const;

export const itemValues = (row: ItemRow): SqlValue[] => [
  row.kpi,
  row.itemId,
  row.subjectKey,
  row.anchorMs,
  row.anchor,
  row.month,
  row.deadline ?? null,
  row.status,
  JSON.stringify(row.evidence),
];

export const itemOfRow = (row: Readonly<Record<(typeof ITEM_COLUMNS)[number], unknown>>): ItemRow => ({
  kpi: text(row.kpi) as KpiId,
  itemId: text(row.item_id),
  subjectKey: text(row.subject_key),
  anchorMs: integer(row.anchor_ms),
  anchor: text(row.anchor),
  month: text(row.month),
  ...(row.deadline === null ? {} : { deadline: text(row.deadline) }),
  status: text(row.status) as Verdict,
  evidence: JSON.parse(text(row.evidence)) as string[],
});

export const UNDECODABLE_COLUMNS = ['position', 'stream_id', 'revision', 'type', 'occurred_at', 'problem', 'evidence'] as const;

export const undecodableValues = (entry: UndecodableEvent): SqlValue[] => [
  positionKey(entry.evidence.position),
  entry.evidence.streamId,
  entry.evidence.revision,
  entry.evidence.type,
  entry.evidence.at,
  entry.problem,
  JSON.stringify(entry.evidence),
];

export const undecodableOfRow = (row: Readonly<Record<(typeof UNDECODABLE_COLUMNS)[number], unknown>>): UndecodableEvent => {
  const evidence = JSON.parse(text(row.evidence)) as UndecodableEvent['evidence'];
  return {
    evidence: { ...evidence, type: text(row.type), at: text(row.occurred_at), streamId: text(row.stream_id), revision: integer(row.revision) },
    problem: text(row.problem),
  };
};

export const CHECKPOINT_COLUMNS = ['read_model', 'position', 'stream_id', 'revision', 'hash', 'version'] as const;

export const checkpointValues = (checkpoint: Checkpoint): SqlValue[] => [
  checkpoint.readModel,
  positionKey(checkpoint.position),
  checkpoint.streamId,
  checkpoint.revision,
  checkpoint.hash,
  checkpoint.version,
];

export const checkpointOfRow = (row: Readonly<Record<(typeof CHECKPOINT_COLUMNS)[number], unknown>>): Checkpoint => ({
  readModel: text(row.read_model) as ReadModelName,
  position: BigInt(text(row.position)),
  streamId: text(row.stream_id),
  revision: integer(row.revision),
  hash: text(row.hash),
  version: text(row.version),
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

/** A stored subject decoded; a row that is not JSON or not facts is named. */
export const decodeStoredSubject = (row: { readonly subject_key: string; readonly facts: string }): E.Either<BackendError, SubjectFacts> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.facts);
  } catch {
    return E.left(corruptedReadModel('kpi-facts', `subject ${row.subject_key} is not JSON`));
  }
  const decoded = decodeSubject(parsed);
  return decoded.ok ? E.right(decoded.facts) : E.left(corruptedReadModel('kpi-facts', `subject ${row.subject_key} does not decode (${decoded.problem})`));
};
