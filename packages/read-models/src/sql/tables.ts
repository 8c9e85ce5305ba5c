import type { ReadModelName } from '../backend.js';
import { QUERIED_ITEM_COLUMNS } from './rows.js';

/**
 * The item rows' columns added by schema version 2, with defaults that keep a row written without
 * them (by an older library over a shared database) on the judging path: a `settled_ms` beyond any
 * instant says its subject is never settled, so its `breakdown` is never read.
 */
export const ITEM_COLUMNS_ADDED_IN_2: ReadonlyArray<{ readonly name: string; readonly definition: string }> = [
  { name: 'breakdown', definition: "TEXT NOT NULL DEFAULT '{}'" },
  { name: 'settled_ms', definition: `BIGINT NOT NULL DEFAULT ${Number.MAX_SAFE_INTEGER}` },
];

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
    ${ITEM_COLUMNS_ADDED_IN_2.map((column) => `${column.name} ${column.definition},`).join('\n    ')}
    PRIMARY KEY (kpi, item_id)
  )`,
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

/**
 * The item rows' indexes: by subject (a subject's rows are rewritten whole), and by KPI and anchor
 * with every column a KPI query reads after them, so that a query reads that index alone, in order,
 * rather than rows scattered through a file they may share with the log.
 */
export const ITEM_INDEXES: readonly string[] = [
  `CREATE INDEX IF NOT EXISTS rm_kpi_items_by_anchor_2 ON rm_kpi_items (kpi, anchor_ms, ${QUERIED_ITEM_COLUMNS.filter((column) => column !== 'kpi').join(', ')})`,
  'CREATE INDEX IF NOT EXISTS rm_kpi_items_by_subject ON rm_kpi_items (subject_key)',
];

/** Schema version 1's index by KPI and anchor, which `rm_kpi_items_by_anchor_2` replaces. */
export const INDEXES_REPLACED_IN_2: readonly string[] = ['rm_kpi_items_by_anchor'];

/** Every index, built once the tables have their columns: what `open` runs after `CREATE_TABLES` and the migration. */
export const CREATE_INDEXES: readonly string[] = [...ITEM_INDEXES, ...AUDIT_INDEXES.map((index) => index.create)];

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
