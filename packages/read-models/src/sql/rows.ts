import * as E from 'fp-ts/lib/Either.js';
import type { BackendError, Checkpoint, ItemRow, ReadModelName } from '../backend.js';
import { corruptedReadModel, positionKey } from '../backend.js';
import type { SubjectFacts, UndecodableEvent } from '../facts/schema.js';
import { decodeSubject } from '../facts/schema.js';
import type { KpiId, Verdict } from '../kpi-definitions.js';

export type SqlValue = string | number | null;

/** A column as the driver returns it: numbers may come back as strings or bigints. */
export const text = (value: unknown): string => String(value);
export const integer = (value: unknown): number => Number(value);

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
