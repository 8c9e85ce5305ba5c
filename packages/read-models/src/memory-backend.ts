import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { secondWriter } from '@aftersales/core/adapter-kit';
import type { AuditEntry, AuditPageQuery } from './audit-trail.js';
import { matchesAuditQuery } from './audit-trail.js';
import type { BackendError, BatchWrite, Checkpoint, ItemRow, QueriedItemRow, ReadModelBackend, ReadModelName, ReadModelTable, TableRow } from './backend.js';
import { auditRowContent, compareRowKeys, corruptedReadModel, itemRowContent, itemRowKey, positionKey, subjectContent, undecodableRowContent } from './backend.js';
import type { SubjectFacts, UndecodableEvent } from './facts/schema.js';
import { decodeSubject } from './facts/schema.js';
import type { KpiId } from './kpi-definitions.js';


/**
 * The read models in memory, for tests and for a process that rebuilds them at every start. Rows are
 * kept as the JSON text a database would hold and decoded on the way out, so that nothing a caller
 * holds is shared with the store and a corrupted row is found as it would be in a table.
 */
export class InMemoryReadModelBackend implements ReadModelBackend {
  readonly kind = 'memory' as const;
  private readonly checkpointRows = new Map<ReadModelName, Checkpoint>();
  private readonly subjectRows = new Map<string, string>();
  private readonly storedItems = new Map<string, ItemRow>();
  private readonly itemsOfSubject = new Map<string, string[]>();
  private undecodableRows: UndecodableEvent[] = [];
  private auditRows: AuditEntry[] = [];

  async open(): Promise<E.Either<StoreError, void>> {
    return E.right(undefined);
  }

  async checkpoints(): Promise<E.Either<StoreError, ReadonlyMap<ReadModelName, Checkpoint>>> {
    return E.right(new Map(this.checkpointRows));
  }

  async commit(batch: BatchWrite): Promise<E.Either<StoreError | SecondWriter, void>> {
    for (const { expected, next } of batch.checkpoints) {
      const found = this.checkpointRows.get(next.readModel)?.position;
      if (found !== expected) return E.left(secondWriter(next.readModel, expected, found));
    }
    for (const { next } of batch.checkpoints) this.checkpointRows.set(next.readModel, next);
    for (const subject of batch.subjects) {
      this.subjectRows.set(subject.key, JSON.stringify(subject.facts));
      for (const key of this.itemsOfSubject.get(subject.key) ?? []) this.storedItems.delete(key);
      const keys = subject.items.map((row) => itemRowKey(row.kpi, row.itemId));
      subject.items.forEach((row, index) => this.storedItems.set(keys[index]!, structuredClone(row)));
      this.itemsOfSubject.set(subject.key, keys);
    }
    this.undecodableRows.push(...batch.undecodable.map((entry) => structuredClone(entry)));
    this.auditRows.push(...batch.audit.map((entry) => structuredClone(entry)));
    return E.right(undefined);
  }

  async reset(readModel: ReadModelName): Promise<E.Either<StoreError, void>> {
    this.checkpointRows.delete(readModel);
    if (readModel === 'kpi-facts') {
      this.subjectRows.clear();
      this.storedItems.clear();
      this.itemsOfSubject.clear();
      this.undecodableRows = [];
    } else {
      this.auditRows = [];
    }
    return E.right(undefined);
  }

  /** Nothing to build: the rows in memory need no indexes. */
  async ensureIndexes(): Promise<E.Either<StoreError, void>> {
    return E.right(undefined);
  }

  async loadSubjects(keys: readonly string[]): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    const found = new Map<string, SubjectFacts>();
    for (const key of keys) {
      const decoded = this.subject(key);
      if (E.isLeft(decoded)) return decoded;
      if (decoded.right !== undefined) found.set(key, decoded.right);
    }
    return E.right(found);
  }

  async subjectsWithItems(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> {
    const wanted = new Set<string>(kpis);
    const keys = new Set<string>();
    for (const row of this.storedItems.values()) {
      if (wanted.has(row.kpi) && row.anchorMs >= range.from && row.anchorMs < range.to) keys.add(row.subjectKey);
    }
    return this.loadSubjects([...keys].sort(compareRowKeys));
  }

  async itemRows(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, QueriedItemRow[]>> {
    const wanted = new Set<string>(kpis);
    const rows: QueriedItemRow[] = [];
    for (const row of this.storedItems.values()) {
      if (!wanted.has(row.kpi) || row.anchorMs < range.from || row.anchorMs >= range.to) continue;
      const { kpi, itemId, subjectKey, month, deadline, status, breakdown, settledMs } = row;
      rows.push({ kpi, itemId, subjectKey, month, ...(deadline === undefined ? {} : { deadline }), status, breakdown: { ...breakdown }, settledMs });
    }
    return E.right(rows);
  }

  async subjectOfItem(kpi: KpiId, itemId: string): Promise<E.Either<BackendError, SubjectFacts | undefined>> {
    const row = this.storedItems.get(itemRowKey(kpi, itemId));
    return row === undefined ? E.right(undefined) : this.subject(row.subjectKey);
  }

  async undecodable(limit: number): Promise<E.Either<BackendError, { readonly count: number; readonly sample: readonly UndecodableEvent[] }>> {
    return E.right({ count: this.undecodableRows.length, sample: this.undecodableRows.slice(0, limit).map((entry) => structuredClone(entry)) });
  }

  async auditPage(query: AuditPageQuery & { readonly limit: number }): Promise<E.Either<BackendError, AuditEntry[]>> {
    const after = query.after === undefined ? undefined : positionKey(query.after);
    const page: AuditEntry[] = [];
    for (const entry of this.auditRows) {
      if (page.length >= query.limit) break;
      if (after !== undefined && positionKey(entry.position) <= after) continue;
      if (matchesAuditQuery(entry, query)) page.push(structuredClone(entry));
    }
    return E.right(page);
  }

  async *rows(table: ReadModelTable): AsyncIterable<TableRow> {
    switch (table) {
      case 'subjects':
        for (const key of [...this.subjectRows.keys()].sort(compareRowKeys)) yield { key, content: subjectContent(this.subjectRows.get(key)!) };
        return;
      case 'items':
        for (const key of [...this.storedItems.keys()].sort(compareRowKeys)) yield { key, content: itemRowContent(this.storedItems.get(key)!) };
        return;
      case 'undecodable':
        for (const entry of this.undecodableRows) yield { key: positionKey(entry.evidence.position), content: undecodableRowContent(entry) };
        return;
      case 'audit':
        for (const entry of this.auditRows) yield { key: positionKey(entry.position), content: auditRowContent(entry) };
        return;
    }
  }

  async close(): Promise<void> {}

  private subject(key: string): E.Either<BackendError, SubjectFacts | undefined> {
    const text = this.subjectRows.get(key);
    if (text === undefined) return E.right(undefined);
    const decoded = decodeSubject(JSON.parse(text));
    return decoded.ok ? E.right(decoded.facts) : E.left(corruptedReadModel('kpi-facts', `subject ${key} does not decode (${decoded.problem})`));
  }
}
