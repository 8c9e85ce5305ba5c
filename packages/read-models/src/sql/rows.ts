import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { BackendError, Checkpoint, ItemRow, QueriedItemRow, ReadModelName } from '../backend.js';
import { corruptedReadModel, positionKey } from '../backend.js';
import type { SubjectFacts, UndecodableEvent } from '../facts/schema.js';
import { decodeSubject } from '../facts/schema.js';
import type { KpiId, Verdict } from '../kpi-definitions.js';
import type { Dimension } from '../kpi-definitions.js';
import { dimensions, kpiIds } from '../kpi-definitions.js';

export type SqlValue = string | number | null;

/** A column as the driver returns it: numbers may come back as strings or bigints. */
export const text = (value: unknown): string => String(value);
export const integer = (value: unknown): number => Number(value);

export const ITEM_COLUMNS = ['kpi', 'item_id', 'subject_key', 'anchor_ms', 'anchor', 'month', 'deadline', 'status', 'evidence', 'breakdown', 'settled_ms'] as const;

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
  JSON.stringify(row.breakdown),
  row.settledMs,
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
  breakdown: JSON.parse(text(row.breakdown)) as ItemRow['breakdown'],
  settledMs: integer(row.settled_ms),
});

/** The columns of an item row a query reads: no anchor, no evidence. */
export const QUERIED_ITEM_COLUMNS = ['kpi', 'item_id', 'subject_key', 'month', 'deadline', 'status', 'breakdown', 'settled_ms'] as const;

const QueriedItemColumns = z.object({
  kpi: z.enum(kpiIds),
  item_id: z.string(),
  subject_key: z.string(),
  month: z.string(),
  deadline: z.string().nullable(),
  status: z.enum(['hit', 'miss', 'pending', 'excluded']),
  breakdown: z.string(),
  // PostgreSQL's driver returns a BIGINT as text.
  settled_ms: z.coerce.number().int(),
});

const Breakdown = z.strictObject(Object.fromEntries(dimensions.map((dimension) => [dimension, z.string().optional()])) as Record<Dimension, z.ZodOptional<z.ZodString>>);

/**
 * The queried item rows decoded, stopping at the first that does not decode. Rows share a few
 * breakdowns (an endpoint and a specialist, a category…): each distinct text is parsed and checked
 * once, and the rows that hold it share one frozen object.
 */
export const decodeQueriedItems = (rows: readonly unknown[]): E.Either<BackendError, QueriedItemRow[]> => {
  const breakdowns = new Map<string, QueriedItemRow['breakdown'] | undefined>();
  const decoded: QueriedItemRow[] = [];
  for (const row of rows) {
    const columns = QueriedItemColumns.safeParse(row);
    let breakdown: QueriedItemRow['breakdown'] | undefined;
    if (columns.success) {
      const text = columns.data.breakdown;
      if (breakdowns.has(text)) breakdown = breakdowns.get(text);
      else {
        breakdown = parseBreakdown(text);
        breakdowns.set(text, breakdown);
      }
    }
    if (!columns.success || breakdown === undefined) {
      const fields = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
      const problem = columns.success ? 'its breakdown is not a breakdown' : columns.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
      return E.left(corruptedReadModel('kpi-facts', `item ${String(fields['kpi'])}/${String(fields['item_id'])} does not decode (${problem})`));
    }
    const { data } = columns;
    decoded.push({
      kpi: data.kpi,
      itemId: data.item_id,
      subjectKey: data.subject_key,
      month: data.month,
      ...(data.deadline === null ? {} : { deadline: data.deadline }),
      status: data.status,
      breakdown,
      settledMs: data.settled_ms,
    });
  }
  return E.right(decoded);
};

const parseBreakdown = (stored: string): QueriedItemRow['breakdown'] | undefined => {
  let parsed: ReturnType<typeof Breakdown.safeParse>;
  try {
    parsed = Breakdown.safeParse(JSON.parse(stored));
  } catch {
    return undefined;
  }
  if (!parsed.success) return undefined;
  const breakdown: Partial<Record<Dimension, string>> = {};
  for (const dimension of dimensions) {
    const value = parsed.data[dimension];
    if (value !== undefined) breakdown[dimension] = value;
  }
  return Object.freeze(breakdown);
};

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
