import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { storeUnavailable } from '@aftersales/core';
import { secondWriter } from '@aftersales/core/adapter-kit';
import type { AuditEntry, AuditPageQuery } from '../audit-trail.js';
import type { BackendError, BatchWrite, Checkpoint, QueriedItemRow, ReadModelBackend, ReadModelName, ReadModelTable, TableRow } from '../backend.js';
import { auditRowContent, itemRowContent, itemRowKey, positionKey, SCHEMA_VERSION, subjectContent, undecodableRowContent } from '../backend.js';
import type { SubjectFacts, UndecodableEvent } from '../facts/schema.js';
import type { KpiId } from '../kpi-definitions.js';
import type { AuditRow } from './audit-rows.js';
import type { SqlValue } from './rows.js';
import { AUDIT_COLUMNS, auditEntryOfRow, auditValues, auditWhere } from './audit-rows.js';
import {
  CHECKPOINT_COLUMNS,
  ITEM_COLUMNS,
  QUERIED_ITEM_COLUMNS,
  UNDECODABLE_COLUMNS,
  checkpointOfRow,
  checkpointValues,
  decodeQueriedItems,
  decodeStoredSubject,
  itemOfRow,
  itemValues,
  undecodableOfRow,
  undecodableValues,
} from './rows.js';
import { AUDIT_INDEXES, CREATE_INDEXES, CREATE_TABLES, INDEXES_DROPPED_BY_RESET, INDEXES_REPLACED_IN_2, ITEM_COLUMNS_ADDED_IN_2, TABLES_OF } from './tables.js';

export interface PgResult {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number | null;
}

/** The part of a `pg` client the backend uses. */
export interface PgQueryable {
  query(text: string, values?: readonly unknown[]): Promise<PgResult>;
}

/** The part of a `pg.Pool` the backend uses, so that this package does not depend on `pg` itself. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgQueryable & { release(error?: Error | boolean): void }>;
}

/** `?` placeholders, as the shared SQL is written, to PostgreSQL's `$1, $2…`. */
const numbered = (sql: string): string => {
  let index = 0;
  return sql.replace(/\?/g, () => `$${(index += 1)}`);
};

/** Rows per multi-row INSERT: well under PostgreSQL's 65,535 parameters for the widest table. */
const ROWS_PER_INSERT = 1000;

class Conflict extends Error {
  constructor(readonly error: SecondWriter) {
    super(error.message);
  }
}

/** Serialises table creation across instances starting at once (an arbitrary, fixed advisory-lock key). */
const MIGRATION_LOCK = 0x41_53_52_4d;

/**
 * The read models as tables in PostgreSQL, shared by any number of service instances. Each batch is
 * one transaction that first moves the checkpoints by compare-and-set: a second instance that tries
 * the same batch waits on the checkpoint row, finds it moved, and rolls back having written nothing,
 * so no batch is ever applied twice. Queries read committed rows (MVCC) and never wait for a batch.
 */
export class PostgresReadModelBackend implements ReadModelBackend {
  readonly kind = 'postgresql' as const;

  constructor(private readonly pool: PgPool) {}

  async open(): Promise<E.Either<StoreError, void>> {
    return this.transaction('creating the read-model tables', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      for (const statement of CREATE_TABLES) await client.query(statement);
      const found = await client.query("SELECT value FROM rm_meta WHERE key = 'schema_version'");
      const stored = found.rows[0]?.['value'];
      if (stored !== undefined && Number(stored) > SCHEMA_VERSION) {
        throw new Error(`the read-model tables have schema version ${String(stored)}, newer than this library's ${SCHEMA_VERSION}; upgrade the library`);
      }
      // Tables of version 1 get version 2's columns; the KPI facts' version changed with them, so the runner rebuilds their rows.
      for (const column of ITEM_COLUMNS_ADDED_IN_2) await client.query(`ALTER TABLE rm_kpi_items ADD COLUMN IF NOT EXISTS ${column.name} ${column.definition}`);
      for (const index of INDEXES_REPLACED_IN_2) await client.query(`DROP INDEX IF EXISTS ${index}`);
      for (const statement of CREATE_INDEXES) await client.query(statement);
      await client.query("INSERT INTO rm_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [String(SCHEMA_VERSION)]);
    });
  }

  async checkpoints(): Promise<E.Either<StoreError, ReadonlyMap<ReadModelName, Checkpoint>>> {
    // A database the read models never opened has no checkpoints, and is not written to by asking.
    const exists = await this.query('reading the read-model checkpoints', "SELECT to_regclass('rm_checkpoints') IS NOT NULL AS present");
    if (E.isLeft(exists)) return exists;
    if (exists.right[0]?.['present'] !== true) return E.right(new Map());
    const result = await this.query('reading the read-model checkpoints', `SELECT ${CHECKPOINT_COLUMNS.join(', ')} FROM rm_checkpoints`);
    return E.map((rows: Record<string, unknown>[]) => new Map(rows.map((row) => [checkpointOfRow(row as never).readModel, checkpointOfRow(row as never)])))(result);
  }

  async commit(batch: BatchWrite): Promise<E.Either<StoreError | SecondWriter, void>> {
    try {
      const done = await this.transaction('committing a read-model batch', async (client) => {
        for (const { expected, next } of batch.checkpoints) {
          const values = checkpointValues(next);
          const changed =
            expected === undefined
              ? await client.query(`INSERT INTO rm_checkpoints (${CHECKPOINT_COLUMNS.join(', ')}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (read_model) DO NOTHING`, values)
              : await client.query(
                  'UPDATE rm_checkpoints SET position = $1, stream_id = $2, revision = $3, hash = $4, version = $5 WHERE read_model = $6 AND position = $7',
                  [...values.slice(1), next.readModel, positionKey(expected)],
                );
          if (changed.rowCount !== 1) {
            const found = await client.query('SELECT position FROM rm_checkpoints WHERE read_model = $1', [next.readModel]);
            const position = found.rows[0]?.['position'];
            throw new Conflict(secondWriter(next.readModel, expected, position === undefined ? undefined : BigInt(String(position))));
          }
        }
        if (batch.subjects.length > 0) {
          await insertRows(client, 'rm_kpi_subjects', ['subject_key', 'kind', 'facts'], batch.subjects.map((subject) => [subject.key, subject.kind, JSON.stringify(subject.facts)]), 'ON CONFLICT (subject_key) DO UPDATE SET kind = excluded.kind, facts = excluded.facts');
          await client.query('DELETE FROM rm_kpi_items WHERE subject_key = ANY($1)', [batch.subjects.map((subject) => subject.key)]);
          await insertRows(client, 'rm_kpi_items', ITEM_COLUMNS, batch.subjects.flatMap((subject) => subject.items.map(itemValues)));
        }
        await insertRows(client, 'rm_kpi_undecodable', UNDECODABLE_COLUMNS, batch.undecodable.map(undecodableValues));
        await insertRows(client, 'rm_audit_trail', AUDIT_COLUMNS, batch.audit.map(auditValues));
      });
      return done;
    } catch (thrown) {
      if (thrown instanceof Conflict) return E.left(thrown.error);
      throw thrown;
    }
  }

  async reset(readModel: ReadModelName): Promise<E.Either<StoreError, void>> {
    return this.transaction(`resetting read model ${readModel}`, async (client) => {
      for (const index of INDEXES_DROPPED_BY_RESET[readModel]) await client.query(`DROP INDEX IF EXISTS ${index}`);
      for (const table of TABLES_OF[readModel]) await client.query(`DELETE FROM ${table}`);
      await client.query('DELETE FROM rm_checkpoints WHERE read_model = $1', [readModel]);
    });
  }

  async ensureIndexes(): Promise<E.Either<StoreError, void>> {
    return this.transaction('creating the read-model indexes', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      for (const index of AUDIT_INDEXES) await client.query(index.create);
    });
  }

  async loadSubjects(keys: readonly string[]): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    if (keys.length === 0) return E.right(new Map());
    const rows = await this.query('reading KPI subjects', 'SELECT subject_key, facts FROM rm_kpi_subjects WHERE subject_key = ANY($1)', [keys]);
    return E.isLeft(rows) ? rows : decodeSubjects(rows.right);
  }

  async subjectsWithItems(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    const rows = await this.query(
      'reading KPI subjects',
      'SELECT subject_key, facts FROM rm_kpi_subjects WHERE subject_key IN (SELECT subject_key FROM rm_kpi_items WHERE kpi = ANY($1) AND anchor_ms >= $2 AND anchor_ms < $3) ORDER BY subject_key COLLATE "C"',
      [kpis, range.from, range.to],
    );
    if (E.isLeft(rows)) return rows;
    return decodeSubjects(rows.right);
  }

  async itemRows(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, QueriedItemRow[]>> {
    const rows = await this.query('reading KPI items', `SELECT ${QUERIED_ITEM_COLUMNS.join(', ')} FROM rm_kpi_items WHERE kpi = ANY($1) AND anchor_ms >= $2 AND anchor_ms < $3`, [kpis, range.from, range.to]);
    return E.isLeft(rows) ? rows : decodeQueriedItems(rows.right);
  }

  async subjectOfItem(kpi: KpiId, itemId: string): Promise<E.Either<BackendError, SubjectFacts | undefined>> {
    const rows = await this.query(
      'reading a KPI item',
      'SELECT s.subject_key, s.facts FROM rm_kpi_items i JOIN rm_kpi_subjects s ON s.subject_key = i.subject_key WHERE i.kpi = $1 AND i.item_id = $2',
      [kpi, itemId],
    );
    if (E.isLeft(rows)) return rows;
    return E.map((subjects: Map<string, SubjectFacts>) => subjects.values().next().value)(decodeSubjects(rows.right));
  }

  async undecodable(limit: number): Promise<E.Either<BackendError, { readonly count: number; readonly sample: readonly UndecodableEvent[] }>> {
    const count = await this.query('reading undecodable events', 'SELECT COUNT(*) AS count FROM rm_kpi_undecodable');
    if (E.isLeft(count)) return count;
    const sample = await this.query('reading undecodable events', `SELECT ${UNDECODABLE_COLUMNS.join(', ')} FROM rm_kpi_undecodable ORDER BY position COLLATE "C" LIMIT $1`, [limit]);
    if (E.isLeft(sample)) return sample;
    return E.right({ count: Number(count.right[0]?.['count'] ?? 0), sample: sample.right.map((row) => undecodableOfRow(row as never)) });
  }

  async auditPage(query: AuditPageQuery & { readonly limit: number }): Promise<E.Either<BackendError, AuditEntry[]>> {
    const where = auditWhere(query);
    const rows = await this.query(
      'reading the audit trail',
      numbered(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM rm_audit_trail ${where.sql} ORDER BY position COLLATE "C" LIMIT ?`),
      [...where.params, query.limit],
    );
    return E.map((found: Record<string, unknown>[]) => found.map((row) => auditEntryOfRow(row as AuditRow)))(rows);
  }

  async *rows(table: ReadModelTable): AsyncIterable<TableRow> {
    const pages: Record<ReadModelTable, { readonly select: string; readonly key: string }> = {
      subjects: { select: 'SELECT subject_key, facts FROM rm_kpi_subjects', key: 'subject_key' },
      items: { select: `SELECT ${ITEM_COLUMNS.join(', ')}, kpi || chr(1) || item_id AS row_key FROM rm_kpi_items`, key: "kpi || chr(1) || item_id" },
      undecodable: { select: `SELECT ${UNDECODABLE_COLUMNS.join(', ')} FROM rm_kpi_undecodable`, key: 'position' },
      audit: { select: `SELECT ${AUDIT_COLUMNS.join(', ')} FROM rm_audit_trail`, key: 'position' },
    };
    const { select, key } = pages[table];
    // Keyset pages of a few thousand rows: a table of a million rows is never read into memory at once.
    let after: string | undefined;
    for (;;) {
      const result = await this.pool.query(
        `${select} ${after === undefined ? '' : `WHERE ${key} COLLATE "C" > $2`} ORDER BY ${key} COLLATE "C" LIMIT $1`,
        after === undefined ? [5000] : [5000, after],
      );
      for (const row of result.rows) yield tableRow(table, row);
      if (result.rows.length < 5000) return;
      const last = result.rows.at(-1)!;
      after = table === 'items' ? String(last['row_key']) : String(last[key]);
    }
  }

  /** The pool belongs to whoever created it: ending it is theirs. */
  async close(): Promise<void> {}

  private async query(doing: string, sql: string, values: readonly unknown[] = []): Promise<E.Either<StoreError, Record<string, unknown>[]>> {
    try {
      return E.right((await this.pool.query(sql, values)).rows);
    } catch (thrown) {
      return E.left(storeUnavailable(`${doing}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown));
    }
  }

  private async transaction(doing: string, work: (client: PgQueryable) => Promise<void>): Promise<E.Either<StoreError, void>> {
    let client: Awaited<ReturnType<PgPool['connect']>> | undefined;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN');
      await work(client);
      await client.query('COMMIT');
      client.release();
      return E.right(undefined);
    } catch (thrown) {
      if (client !== undefined) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
      if (thrown instanceof Conflict) throw thrown;
      return E.left(storeUnavailable(`${doing}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown));
    }
  }
}

const insertRows = async (client: PgQueryable, table: string, columns: readonly string[], rows: readonly SqlValue[][], conflict = ''): Promise<void> => {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const values: SqlValue[] = [];
    const tuples = chunk.map((row) => {
      const first = values.length;
      values.push(...row);
      return `(${row.map((_, index) => `$${first + index + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${conflict}`, values);
  }
};

const decodeSubjects = (rows: readonly Record<string, unknown>[]): E.Either<BackendError, Map<string, SubjectFacts>> => {
  const found = new Map<string, SubjectFacts>();
  for (const row of rows) {
    const decoded = decodeStoredSubject({ subject_key: String(row['subject_key']), facts: String(row['facts']) });
    if (E.isLeft(decoded)) return decoded;
    found.set(String(row['subject_key']), decoded.right);
  }
  return E.right(found);
};

const tableRow = (table: ReadModelTable, row: Record<string, unknown>): TableRow => {
  switch (table) {
    case 'subjects':
      return { key: String(row['subject_key']), content: subjectContent(String(row['facts'])) };
    case 'items': {
      const item = itemOfRow(row as never);
      return { key: itemRowKey(item.kpi, item.itemId), content: itemRowContent(item) };
    }
    case 'undecodable':
      return { key: String(row['position']), content: undecodableRowContent(undecodableOfRow(row as never)) };
    case 'audit':
      return { key: String(row['position']), content: auditRowContent(auditEntryOfRow(row as AuditRow)) };
  }
};
