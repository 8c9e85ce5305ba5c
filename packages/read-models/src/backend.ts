import type * as E from 'fp-ts/lib/Either.js';
import type { DomainError, StoreError } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { canonicalJson } from '@aftersales/core';
import type { AuditEntry, AuditPageQuery } from './audit-trail.js';
import type { Evidence, SubjectFacts, SubjectKind, UndecodableEvent } from './facts/schema.js';
import type { Dimension, KpiId, KpiItem, Verdict } from './kpi-definitions.js';

/** The two read models, each with its own checkpoint and version. */
export const READ_MODELS = ['kpi-facts', 'audit-trail'] as const;
export type ReadModelName = (typeof READ_MODELS)[number];

/**
 * Where a read model stands: the last event it applied, named by position, stream, revision and
 * hash, so that it can be proven against the log before it answers.
 */
export interface Checkpoint {
  readonly readModel: ReadModelName;
  readonly position: bigint;
  readonly streamId: string;
  readonly revision: number;
  readonly hash: string;
  /** The read model's version (schema and rules) that wrote it; another version rebuilds the read model. */
  readonly version: string;
}

/**
 * A KPI item as known at the head of the log: judged with every event known and no deadline passed,
 * so `pending` means "not done yet" and the deadline says until when. These rows index the subjects
 * by KPI and anchor, and are what reporting tools query with SQL. A query answers from them for the
 * subjects that have no fact after its instant (`settledMs`), and judges the others again as of it.
 */
export interface ItemRow {
  readonly kpi: KpiId;
  readonly itemId: string;
  readonly subjectKey: string;
  readonly anchorMs: number;
  readonly anchor: string;
  readonly month: string;
  readonly deadline?: string;
  readonly status: Verdict;
  /** The evidence, as `<streamId>@<revision>` of each event. */
  readonly evidence: readonly string[];
  /** The values the KPI's results are broken down by (endpoint, specialist, category…). */
  readonly breakdown: Partial<Record<Dimension, string>>;
  /** The business time (`occurredAt`) of the subject's latest fact, in epoch milliseconds: as of any later instant the subject is judged as at the head. */
  readonly settledMs: number;
}

/** What a query reads of an item row: enough to summarise it, no evidence and no facts. */
export type QueriedItemRow = Pick<ItemRow, 'kpi' | 'itemId' | 'subjectKey' | 'month' | 'deadline' | 'status' | 'breakdown' | 'settledMs'>;

/**
 * The business time of a subject's latest fact: the largest `epochMs` of every piece of evidence its
 * facts hold, the instant the judges compare with `asOf`. The facts are walked whole, so that a fact
 * added to a subject's shape later is counted without a list to keep up to date.
 */
export const latestFactMs = (facts: SubjectFacts): number => {
  let latest = Number.MIN_SAFE_INTEGER;
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      for (const one of value) visit(one);
      return;
    }
    const epochMs = (value as Partial<Evidence>).epochMs;
    if (typeof epochMs === 'number' && epochMs > latest) latest = epochMs;
    for (const one of Object.values(value)) visit(one);
  };
  visit(facts);
  return latest;
};

export const itemRowOf = (subjectKey: string, one: KpiItem, settledMs: number): ItemRow => ({
  kpi: one.kpi,
  itemId: one.itemId,
  subjectKey,
  anchorMs: Date.parse(one.periodAnchor),
  anchor: one.periodAnchor,
  month: one.month,
  ...(one.deadline === undefined ? {} : { deadline: one.deadline }),
  status: one.verdict,
  evidence: one.evidence.map((evidence) => `${evidence.streamId}@${evidence.revision}`),
  breakdown: one.breakdown,
  settledMs,
});

export interface SubjectWrite {
  readonly key: string;
  readonly kind: SubjectKind;
  readonly facts: SubjectFacts;
  /** Every item the subject now gives; they replace the subject's earlier rows. */
  readonly items: readonly ItemRow[];
}

/** What one batch of events changes, written in one transaction with the checkpoints. */
export interface BatchWrite {
  readonly checkpoints: ReadonlyArray<{ readonly expected: bigint | undefined; readonly next: Checkpoint }>;
  readonly subjects: readonly SubjectWrite[];
  readonly undecodable: readonly UndecodableEvent[];
  readonly audit: readonly AuditEntry[];
}

/** A stored row that does not decode, or a read model whose head does not match the log. */
export interface CorruptedReadModel extends DomainError<'CorruptedReadModel'> {
  readonly readModel: ReadModelName;
}

export const corruptedReadModel = (readModel: ReadModelName, problem: string): CorruptedReadModel => ({
  code: 'CorruptedReadModel',
  message: `read model ${readModel}: ${problem}; rebuild it from the log`,
  readModel,
});

export type BackendError = StoreError | CorruptedReadModel;

/** The tables of the read models, as compared row by row with a replay of the log. */
export const READ_MODEL_TABLES = { subjects: 'kpi-facts', items: 'kpi-facts', undecodable: 'kpi-facts', audit: 'audit-trail' } as const satisfies Record<string, ReadModelName>;
export type ReadModelTable = keyof typeof READ_MODEL_TABLES;

/** One row of a table: its key, and its content in one canonical text that is equal across backends. */
export interface TableRow {
  readonly key: string;
  readonly content: string;
}

/** Row keys in the order every backend sorts them: by their UTF-8 bytes, as SQLite's BINARY and PostgreSQL's "C" collations do. */
export const compareRowKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** A position as a fixed-width decimal, so that text order is numeric order (ESDB positions pass 2^63). */
export const positionKey = (position: bigint | string): string => position.toString().padStart(40, '0');

/** A subject row's content: its facts as stored, in canonical form (the stored text itself when it is not JSON). */
export const subjectContent = (stored: string): string => {
  try {
    return canonicalJson(JSON.parse(stored));
  } catch {
    return stored;
  }
};
export const itemRowKey = (kpi: string, itemId: string): string => `${kpi}\u0000${itemId}`;
export const itemRowContent = (row: ItemRow): string => canonicalJson(row);
export const auditRowContent = (entry: AuditEntry): string => canonicalJson(entry);
export const undecodableRowContent = (entry: UndecodableEvent): string => canonicalJson(entry);

/**
 * The read-model port: where the KPI facts, their items and the audit trail are kept as rows, with
 * their checkpoints. Three backends implement it (in memory, SQLite, PostgreSQL) and one
 * conformance suite checks them against each other. Every write is one `commit` of a batch, atomic
 * with the checkpoints it moves and refused (`SecondWriter`, nothing written) when another runner
 * moved them first; every query reads committed rows only and never waits for a batch.
 */
export interface ReadModelBackend {
  readonly kind: 'memory' | 'sqlite' | 'postgresql';
  /** Creates the tables, or migrates them to this library's schema version. */
  open(): Promise<E.Either<StoreError, void>>;
  checkpoints(): Promise<E.Either<StoreError, ReadonlyMap<ReadModelName, Checkpoint>>>;
  commit(batch: BatchWrite): Promise<E.Either<StoreError | SecondWriter, void>>;
  /** Empties one read model's tables and forgets its checkpoint; it may drop indexes until `ensureIndexes`. */
  reset(readModel: ReadModelName): Promise<E.Either<StoreError, void>>;
  /** Builds the indexes a reset dropped, so that a rebuild writes its rows first and indexes them once; a no-op when they exist. */
  ensureIndexes(): Promise<E.Either<StoreError, void>>;
  /** The subjects with these keys that exist. */
  loadSubjects(keys: readonly string[]): Promise<E.Either<BackendError, Map<string, SubjectFacts>>>;
  /** Every subject that gives an item of one of these KPIs anchored in [from, to), by key in key order. */
  subjectsWithItems(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, Map<string, SubjectFacts>>>;
  /** The item rows of these KPIs anchored in [from, to), without their evidence, in no particular order. */
  itemRows(kpis: readonly KpiId[], range: { readonly from: number; readonly to: number }): Promise<E.Either<BackendError, QueriedItemRow[]>>;
  /** The subject that gives this item, if any. */
  subjectOfItem(kpi: KpiId, itemId: string): Promise<E.Either<BackendError, SubjectFacts | undefined>>;
  undecodable(limit: number): Promise<E.Either<BackendError, { readonly count: number; readonly sample: readonly UndecodableEvent[] }>>;
  /** Matching audit entries in log order, strictly after the cursor, at most `limit`. */
  auditPage(query: AuditPageQuery & { readonly limit: number }): Promise<E.Either<BackendError, AuditEntry[]>>;
  /** Every row of a table in key order. */
  rows(table: ReadModelTable): AsyncIterable<TableRow>;
  close(): Promise<void>;
}

/**
 * The version of the rows' shape; a backend whose tables hold an older one is migrated when it opens.
 * Version 2 added the item rows' `breakdown` and `settled_ms`.
 */
export const SCHEMA_VERSION = 2;
