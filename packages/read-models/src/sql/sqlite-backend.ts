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

/** The part of a better-sqlite3 statement the backend uses. */
export interface SqliteStatement {
  run(...params: readonly unknown[]): { readonly changes: number };
  get(...params: readonly unknown[]): unknown;
  all(...params: readonly unknown[]): unknown[];
  iterate(...params: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * The part of a better-sqlite3 `Database` the backend uses, so that this package needs no native
 * module: `@aftersales/sqlite` opens the file (`SqliteEventStore#database()` for the log's own file,
 * or `openSqliteDatabase(path)` for one of its own) and hands it here.
 */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  transaction(fn: () => void): { immediate(): void };
}

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/** A checkpoint moved by another runner since this one read it: the batch is rolled back. */
class Conflict extends Error {
  constructor(readonly error: SecondWriter) {
    super(error.message);
  }
}

/**
 * The read models as tables in a SQLite database: the embedded default, in the log's own file or in
 * a file of their own. A batch is one `BEGIN IMMEDIATE` transaction whose first statements move the
 * checkpoints by compare-and-set, so two processes running the read models over one file never both
 * apply a batch; queries read in WAL mode and never wait for a batch to commit.
 */
export class SqliteReadModelBackend implements ReadModelBackend {
  readonly kind = 'sqlite' as const;
  private statements: ReturnType<SqliteReadModelBackend['prepare']> | undefined;

  constructor(private readonly db: SqliteDatabase) {}

  async open(): Promise<E.Either<StoreError, void>> {
    return this.attempt('creating the read-model tables', () => {
      this.db.transaction(() => {
        for (const statement of CREATE_TABLES) this.db.exec(statement);
        const found = this.db.prepare("SELECT value FROM rm_meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
        if (found !== undefined && Number(found.value) > SCHEMA_VERSION) {
          throw new Error(`the read-model tables have schema version ${found.value}, newer than this library's ${SCHEMA_VERSION}; upgrade the library`);
        }
        // Tables of version 1 get version 2's columns; the KPI facts' version changed with them, so the runner rebuilds their rows.
        const present = new Set((this.db.prepare('PRAGMA table_info(rm_kpi_items)').all() as Array<{ name: string }>).map((column) => column.name));
        for (const column of ITEM_COLUMNS_ADDED_IN_2) {
          if (!present.has(column.name)) this.db.exec(`ALTER TABLE rm_kpi_items ADD COLUMN ${column.name} ${column.definition}`);
        }
        for (const index of INDEXES_REPLACED_IN_2) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
        for (const statement of CREATE_INDEXES) this.db.exec(statement);
        this.db.prepare("INSERT INTO rm_meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(SCHEMA_VERSION));
      }).immediate();
      this.statements = this.prepare();
    });
  }

  async checkpoints(): Promise<E.Either<StoreError, ReadonlyMap<ReadModelName, Checkpoint>>> {
    return this.attempt('reading the read-model checkpoints', () => {
      // A database the read models never opened has no checkpoints, and is not written to by asking.
      if (this.statements === undefined && this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rm_checkpoints'").get() === undefined) return new Map();
      const rows = this.ready().checkpoints.all() as Parameters<typeof checkpointOfRow>[0][];
      return new Map(rows.map((row) => [checkpointOfRow(row).readModel, checkpointOfRow(row)]));
    });
  }

  async commit(batch: BatchWrite): Promise<E.Either<StoreError | SecondWriter, void>> {
    const statements = this.ready();
    try {
      this.db.transaction(() => {
        for (const { expected, next } of batch.checkpoints) {
          const values = checkpointValues(next);
          const changed =
            expected === undefined
              ? statements.insertCheckpoint.run(...values).changes
              : statements.updateCheckpoint.run(...values.slice(1), next.readModel, positionKey(expected)).changes;
          if (changed !== 1) {
            const found = statements.checkpoint.get(next.readModel) as { position: string } | undefined;
            throw new Conflict(secondWriter(next.readModel, expected, found === undefined ? undefined : BigInt(found.position)));
          }
        }
        for (const subject of batch.subjects) {
          statements.upsertSubject.run(subject.key, subject.kind, JSON.stringify(subject.facts));
          statements.deleteItems.run(subject.key);
          for (const row of subject.items) statements.insertItem.run(...itemValues(row));
        }
        for (const entry of batch.undecodable) statements.insertUndecodable.run(...undecodableValues(entry));
        for (const entry of batch.audit) statements.insertAudit.run(...auditValues(entry));
      }).immediate();
      return E.right(undefined);
    } catch (thrown) {
      if (thrown instanceof Conflict) return E.left(thrown.error);
      return E.left(storeUnavailable(`committing a read-model batch: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown));
    }
  }

  async reset(readModel: ReadModelName): Promise<E.Either<StoreError, void>> {
    return this.attempt(`resetting read model ${readModel}`, () => {
      this.db.transaction(() => {
        for (const index of INDEXES_DROPPED_BY_RESET[readModel]) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
        for (const table of TABLES_OF[readModel]) this.db.prepare(`DELETE FROM ${table}`).run();
        this.db.prepare('DELETE FROM rm_checkpoints WHERE read_model = ?').run(readModel);
      }).immediate();
    });
  }

  async ensureIndexes(): Promise<E.Either<StoreError, void>> {
    return this.attempt('creating the read-model indexes', () => {
      for (const index of AUDIT_INDEXES) this.db.exec(index.create);
    });
  }

  async loadSubjects(keys: readonly string[]): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    const statements = this.ready();
    const found = new Map<string, SubjectFacts>();
    for (let start = 0; start < keys.length; start += 500) {
      const chunk = keys.slice(start, start + 500);
      const rows = this.attempt('reading KPI subjects', () =>
        (chunk.length === 500 ? statements.subjects500 : this.db.prepare(`SELECT subject_key, facts FROM rm_kpi_subjects WHERE subject_key IN (${placeholders(chunk.length)})`)).all(...chunk),
      );
      if (E.isLeft(rows)) return rows;
      const decoded = this.decodeSubjects(rows.right as SubjectRow[]);
      if (E.isLeft(decoded)) return decoded;
      for (const [key, facts] of decoded.right) found.set(key, facts);
    }
    return E.right(found);
  }

  async subjectsWithItems(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    const rows = this.attempt('reading KPI subjects', () =>
      this.db
        .prepare(
          `SELECT subject_key, facts FROM rm_kpi_subjects WHERE subject_key IN (
             SELECT subject_key FROM rm_kpi_items WHERE kpi IN (${placeholders(kpis.length)}) AND anchor_ms >= ? AND anchor_ms < ?
           ) ORDER BY subject_key`,
        )
        .all(...kpis, range.from, range.to),
    );
    if (E.isLeft(rows)) return rows;
    return this.decodeSubjects(rows.right as SubjectRow[]);
  }

  async itemRows(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, QueriedItemRow[]>> {
    const rows = this.attempt('reading KPI items', () =>
      this.db
        .prepare(`SELECT ${QUERIED_ITEM_COLUMNS.join(', ')} FROM rm_kpi_items WHERE kpi IN (${placeholders(kpis.length)}) AND anchor_ms >= ? AND anchor_ms < ?`)
        .all(...kpis, range.from, range.to),
    );
    return E.isLeft(rows) ? rows : decodeQueriedItems(rows.right);
  }

  async subjectOfItem(kpi: KpiId, itemId: string): Promise<E.Either<BackendError, SubjectFacts | undefined>> {
    const row = this.attempt('reading a KPI item', () => this.ready().subjectOfItem.get(kpi, itemId) as SubjectRow | undefined);
    if (E.isLeft(row) || row.right === undefined) return row as E.Either<BackendError, undefined>;
    return E.map((subjects: Map<string, SubjectFacts>) => subjects.values().next().value)(this.decodeSubjects([row.right]));
  }

  async undecodable(limit: number): Promise<E.Either<BackendError, { readonly count: number; readonly sample: readonly UndecodableEvent[] }>> {
    return this.attempt('reading undecodable events', () => {
      const { count } = this.ready().undecodableCount.get() as { count: number };
      const sample = (this.ready().undecodableSample.all(limit) as Parameters<typeof undecodableOfRow>[0][]).map(undecodableOfRow);
      return { count: Number(count), sample };
    });
  }

  async auditPage(query: AuditPageQuery & { readonly limit: number }): Promise<E.Either<BackendError, AuditEntry[]>> {
    const where = auditWhere(query);
    return this.attempt('reading the audit trail', () =>
      (this.db.prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM rm_audit_trail ${where.sql} ORDER BY position LIMIT ?`).all(...where.params, query.limit) as AuditRow[]).map(
        auditEntryOfRow,
      ),
    );
  }

  async *rows(table: ReadModelTable): AsyncIterable<TableRow> {
    switch (table) {
      case 'subjects':
        for (const row of this.db.prepare('SELECT subject_key, facts FROM rm_kpi_subjects ORDER BY subject_key').iterate() as IterableIterator<SubjectRow>) {
          yield { key: row.subject_key, content: subjectContent(row.facts) };
        }
        return;
      case 'items':
        for (const row of this.db.prepare(`SELECT ${ITEM_COLUMNS.join(', ')} FROM rm_kpi_items ORDER BY kpi, item_id`).iterate() as IterableIterator<Parameters<typeof itemOfRow>[0]>) {
          const item = itemOfRow(row);
          yield { key: itemRowKey(item.kpi, item.itemId), content: itemRowContent(item) };
        }
        return;
      case 'undecodable':
        for (const row of this.db.prepare(`SELECT ${UNDECODABLE_COLUMNS.join(', ')} FROM rm_kpi_undecodable ORDER BY position`).iterate() as IterableIterator<
          Parameters<typeof undecodableOfRow>[0]
        >) {
          yield { key: String(row.position), content: undecodableRowContent(undecodableOfRow(row)) };
        }
        return;
      case 'audit':
        for (const row of this.db.prepare(`SELECT ${AUDIT_COLUMNS.join(', ')} FROM rm_audit_trail ORDER BY position`).iterate() as IterableIterator<AuditRow>) {
          yield { key: String(row.position), content: auditRowContent(auditEntryOfRow(row)) };
        }
        return;
    }
  }

  /** The database belongs to whoever opened it (the log's store, or the caller): closing it is theirs. */
  async close(): Promise<void> {}

  private prepare() {
    const db = this.db;
    return {
      checkpoints: db.prepare(`SELECT ${CHECKPOINT_COLUMNS.join(', ')} FROM rm_checkpoints`),
      checkpoint: db.prepare('SELECT position FROM rm_checkpoints WHERE read_model = ?'),
      insertCheckpoint: db.prepare(`INSERT INTO rm_checkpoints (${CHECKPOINT_COLUMNS.join(', ')}) VALUES (${placeholders(6)}) ON CONFLICT (read_model) DO NOTHING`),
      updateCheckpoint: db.prepare('UPDATE rm_checkpoints SET position = ?, stream_id = ?, revision = ?, hash = ?, version = ? WHERE read_model = ? AND position = ?'),
      upsertSubject: db.prepare('INSERT INTO rm_kpi_subjects (subject_key, kind, facts) VALUES (?, ?, ?) ON CONFLICT (subject_key) DO UPDATE SET kind = excluded.kind, facts = excluded.facts'),
      deleteItems: db.prepare('DELETE FROM rm_kpi_items WHERE subject_key = ?'),
      insertItem: db.prepare(`INSERT INTO rm_kpi_items (${ITEM_COLUMNS.join(', ')}) VALUES (${placeholders(ITEM_COLUMNS.length)})`),
      insertUndecodable: db.prepare(`INSERT INTO rm_kpi_undecodable (${UNDECODABLE_COLUMNS.join(', ')}) VALUES (${placeholders(UNDECODABLE_COLUMNS.length)})`),
      insertAudit: db.prepare(`INSERT INTO rm_audit_trail (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders(AUDIT_COLUMNS.length)})`),
      subjects500: db.prepare(`SELECT subject_key, facts FROM rm_kpi_subjects WHERE subject_key IN (${placeholders(500)})`),
      subjectOfItem: db.prepare('SELECT s.subject_key, s.facts FROM rm_kpi_items i JOIN rm_kpi_subjects s ON s.subject_key = i.subject_key WHERE i.kpi = ? AND i.item_id = ?'),
      undecodableCount: db.prepare('SELECT COUNT(*) AS count FROM rm_kpi_undecodable'),
      undecodableSample: db.prepare(`SELECT ${UNDECODABLE_COLUMNS.join(', ')} FROM rm_kpi_undecodable ORDER BY position LIMIT ?`),
    };
  }

  private ready() {
    if (this.statements === undefined) this.statements = this.prepare();
    return this.statements;
  }

  private decodeSubjects(rows: readonly SubjectRow[]): E.Either<BackendError, Map<string, SubjectFacts>> {
    const found = new Map<string, SubjectFacts>();
    for (const row of rows) {
      const decoded = decodeStoredSubject(row);
      if (E.isLeft(decoded)) return decoded;
      found.set(row.subject_key, decoded.right);
    }
    return E.right(found);
  }

  private attempt<A>(doing: string, step: () => A): E.Either<StoreError, A> {
    try {
      return E.right(step());
    } catch (thrown) {
      return E.left(storeUnavailable(`${doing}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown));
    }
  }
}

interface SubjectRow {
  readonly subject_key: string;
  readonly facts: string;
}
