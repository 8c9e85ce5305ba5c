import * as E from 'fp-ts/lib/Either.js';
import type { BackendError, QueriedItemRow, ReadModelBackend } from './backend.js';
import { compareRowKeys } from './backend.js';
import type { SubjectFacts } from './facts/schema.js';
import type { KpiId, Verdict } from './kpi-definitions.js';
import { kpiPeriodRule } from './kpi-definitions.js';
import type { PreparedQuery } from './kpi-query.js';
import { candidateLookups, itemInPeriod } from './kpi-query.js';
import type { JudgedItem } from './kpis.js';
import { judgeInPeriod } from './kpis.js';

/**
 * The verdict as of `asOf` of an item whose subject has no fact after `asOf`, from its row (judged
 * at the head: every event known, no deadline passed); undefined when the row cannot tell.
 *
 * A judge decides from two things: which facts happened by `asOf` (`epochMs <= asOf`), and whether a
 * deadline is after `deadlineClock` (inclusive deadlines: `deadline > deadlineClock` is "not passed").
 * With no fact after `asOf`, the first is what the head knows too, so only the second can differ, and
 * the head never sees a deadline pass. Every judge that reads the clock (timelyReceipt,
 * standardAwareness, appraisalOnTime, improvementCompliance, delegatedTaskOnTime,
 * jobDescriptionAwareness, institutionCompleteness) gives `pending` only while the deadline has not
 * passed, to an item neither done nor ended, and with the same facts otherwise falls through to
 * `miss`; every pending item carries that deadline. The other judges never read the clock.
 * `staffTurnover`, whose items depend on the period asked about, is never answered from its rows.
 */
export const verdictAsOf = (row: Pick<QueriedItemRow, 'status' | 'deadline'>, asOf: number): Verdict | undefined => {
  if (row.status !== 'pending') return row.status;
  if (row.deadline === undefined) return undefined;
  return Date.parse(row.deadline) > asOf ? 'pending' : 'miss';
};

/** The KPIs a query can read from the item rows (when they were judged with its settings): those placed in a period by their anchor. */
export const kpisFromRows = (kpis: readonly KpiId[]): KpiId[] => kpis.filter((kpi) => kpiPeriodRule(kpi) === 'anchor');

/**
 * The items of the query's period that the rows give as of its instant, by subject, for the subjects
 * whose latest fact is at or before it; and the keys of the other subjects, to be judged from facts.
 */
export const settledItems = (rows: readonly QueriedItemRow[], prepared: PreparedQuery): { readonly settled: Map<string, JudgedItem[]>; readonly unsettled: Set<string> } => {
  const { asOf } = prepared.context;
  const settled = new Map<string, JudgedItem[]>();
  const unsettled = new Set<string>();
  for (const row of rows) {
    if (unsettled.has(row.subjectKey)) continue;
    const verdict = row.settledMs <= asOf ? verdictAsOf(row, asOf) : undefined;
    if (verdict === undefined) {
      unsettled.add(row.subjectKey);
      settled.delete(row.subjectKey);
      continue;
    }
    if (!itemInPeriod(prepared.period, row)) continue;
    const item: JudgedItem = { kpi: row.kpi, itemId: row.itemId, verdict, breakdown: row.breakdown };
    const items = settled.get(row.subjectKey);
    if (items === undefined) settled.set(row.subjectKey, [item]);
    else items.push(item);
  }
  return { settled, unsettled };
};

const judgeAll = (into: Map<string, JudgedItem[]>, subjects: ReadonlyMap<string, SubjectFacts>, kpis: readonly KpiId[], prepared: PreparedQuery): void => {
  for (const [key, facts] of subjects) {
    const items = kpis.flatMap((kpi) => judgeInPeriod(facts, kpi, prepared));
    if (items.length === 0) continue;
    const before = into.get(key);
    if (before === undefined) into.set(key, items);
    else before.push(...items);
  }
};

/** The subjects that can give an item of the query's KPIs in its period (`candidateLookups`), by key. */
export const candidateSubjects = async (backend: ReadModelBackend, prepared: PreparedQuery): Promise<E.Either<BackendError, Map<string, SubjectFacts>>> => {
  const lookups = candidateLookups(prepared);
  if (lookups.length === 1) return backend.subjectsWithItems(lookups[0]!.kpis, lookups[0]!.range);
  const subjects = new Map<string, SubjectFacts>();
  for (const lookup of lookups) {
    const found = await backend.subjectsWithItems(lookup.kpis, lookup.range);
    if (E.isLeft(found)) return found;
    for (const [key, facts] of found.right) subjects.set(key, facts);
  }
  return E.right(subjects);
};

/**
 * Every item of the query's KPIs in its period as of its instant, by subject (subjects that give none
 * left out). With `rowsHold` (the rows were judged with the query's settings), the KPIs anchored in a
 * period are read from the item rows for the subjects settled by the instant, and only the others are
 * loaded and judged; otherwise, and for `staffTurnover`, every candidate subject is judged. Both give
 * exactly what judging every subject gives.
 */
export const queryItems = async (backend: ReadModelBackend, prepared: PreparedQuery, rowsHold: boolean): Promise<E.Either<BackendError, Map<string, JudgedItem[]>>> => {
  const items = new Map<string, JudgedItem[]>();
  const fromRows = rowsHold ? kpisFromRows(prepared.kpis) : [];
  const judged = prepared.kpis.filter((kpi) => !fromRows.includes(kpi));
  if (fromRows.length > 0) {
    const rows = await backend.itemRows(fromRows, prepared.anchorRange);
    if (E.isLeft(rows)) return rows;
    const { settled, unsettled } = settledItems(rows.right, prepared);
    for (const [key, subjectItems] of settled) items.set(key, subjectItems);
    const loaded = await backend.loadSubjects([...unsettled].sort(compareRowKeys));
    if (E.isLeft(loaded)) return loaded;
    judgeAll(items, loaded.right, fromRows, prepared);
  }
  if (judged.length > 0) {
    const subjects = await candidateSubjects(backend, { ...prepared, kpis: judged });
    if (E.isLeft(subjects)) return subjects;
    judgeAll(items, subjects.right, judged, prepared);
  }
  return E.right(items);
};
