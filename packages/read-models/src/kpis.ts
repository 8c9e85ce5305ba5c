import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, KpiConfigVersion } from './config.js';
import { defaultKpiConfig, rulesResolver } from './config.js';
import { putEntry } from './facts/records.js';
import type { SubjectFacts } from './facts/schema.js';
import type { Dimension, JudgeContext, KpiId, KpiItem } from './kpi-definitions.js';
import { compareIds, kpiDirections, kpiPeriodRule } from './kpi-definitions.js';
import { judgeSubject } from './kpi-judges.js';
import type { KpiQuery, PreparedQuery } from './kpi-query.js';
import { itemInPeriod, prepareKpiQuery, toInstant } from './kpi-query.js';
import type { Threshold } from './kpi-targets.js';
import { kpiDimensions, kpiNames, kpiTarget, meetsThreshold } from './kpi-targets.js';

export interface BreakdownRow {
  /** The items the rate counts, as in the result: hits, or misses for an `atMost` KPI. */
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
  /** The first missed ids, sorted (at most the query's `sample`). */
  readonly missed: readonly string[];
  readonly missedCount: number;
}

export interface KpiResult {
  readonly kpi: KpiId;
  readonly name: { readonly zh: string; readonly en: string };
  readonly period: string;
  readonly asOf: string;
  /** The items the rate counts: the hits of an `atLeast` KPI, the misses (e.g. leavers) of an `atMost` one. */
  readonly numerator: number;
  /** Hits + misses: every item decided, pending and excluded ones left out. */
  readonly denominator: number;
  /** numerator ÷ denominator, a fraction in [0, 1]; null when the denominator is 0. */
  readonly rate: number | null;
  /** The threshold the rate is compared with, and in which direction. */
  readonly target: Threshold;
  /** Whether the rate meets the target in its direction; null when there is no rate. */
  readonly met: boolean | null;
  /** The first ids of the items that missed, sorted (at most the query's `sample`); `missedCount` counts them all. */
  readonly missed: readonly string[];
  readonly missedCount: number;
  /** The first ids of the items whose deadline is after `asOf` and that are not done yet: in no denominator. */
  readonly pending: readonly string[];
  readonly pendingCount: number;
  readonly breakdowns: Partial<Record<Dimension, Readonly<Record<string, BreakdownRow>>>>;
  /** The versions of the settings in force during the period: what the items were judged by. */
  readonly settings: readonly KpiConfigVersion[];
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

const rate = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/** What a summary reads of an item: judged from a subject's facts, or read from an item row. */
export type JudgedItem = Pick<KpiItem, 'kpi' | 'itemId' | 'verdict' | 'breakdown'>;

/** The first `size` ids of the items, sorted. */
const sampleOf = (items: readonly JudgedItem[], size: number): string[] =>
  items
    .map((one) => one.itemId)
    .sort(compareIds)
    .slice(0, size);

const summarise = (kpi: KpiId, prepared: PreparedQuery, items: readonly JudgedItem[]): KpiResult => {
  const counted = items.filter((one) => one.verdict === 'hit' || one.verdict === 'miss');
  const countedVerdict = kpiDirections[kpi] === 'atLeast' ? 'hit' : 'miss';
  const numerator = counted.filter((one) => one.verdict === countedVerdict).length;
  const denominator = counted.length;
  const result = rate(numerator, denominator);
  const target = kpiTarget(kpi, prepared.period, prepared.context.rulesAt(prepared.bounds.from));
  const breakdowns: Partial<Record<Dimension, Record<string, BreakdownRow>>> = {};
  for (const dimension of kpiDimensions[kpi]) {
    const groups = new Map<string, JudgedItem[]>();
    for (const one of counted) {
      const key = one.breakdown[dimension];
      if (key === undefined) continue;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [one]);
      else group.push(one);
    }
    const rows: Record<string, BreakdownRow> = {};
    for (const key of [...groups.keys()].sort(compareIds)) {
      const group = groups.get(key)!;
      const hits = group.filter((one) => one.verdict === countedVerdict).length;
      const missed = group.filter((one) => one.verdict === 'miss');
      putEntry(rows, key, { numerator: hits, denominator: group.length, rate: rate(hits, group.length), missed: sampleOf(missed, prepared.sample), missedCount: missed.length });
    }
    breakdowns[dimension] = rows;
  }
  const missed = items.filter((one) => one.verdict === 'miss');
  const pending = items.filter((one) => one.verdict === 'pending');
  return {
    kpi,
    name: kpiNames[kpi],
    period: prepared.label,
    asOf: iso(prepared.context.asOf),
    numerator,
    denominator,
    rate: result,
    target,
    met: result === null ? null : meetsThreshold(result, target),
    missed: sampleOf(missed, prepared.sample),
    missedCount: missed.length,
    pending: sampleOf(pending, prepared.sample),
    pendingCount: pending.length,
    breakdowns,
    settings: prepared.settings,
  };
};

/** The items of one KPI in the query's period that one subject gives. */
export const judgeInPeriod = (subject: SubjectFacts, kpi: KpiId, prepared: PreparedQuery): KpiItem[] => {
  const items = judgeSubject(prepared.context, kpi, subject);
  // An overlapping KPI's judge gives only the items of the context's period already.
  return kpiPeriodRule(kpi) === 'overlap' ? items : items.filter((one) => itemInPeriod(prepared.period, one));
};

/** The items of one KPI in the query's period that these subjects give, sorted by id. */
export const judgeKpiItems = (subjects: Iterable<SubjectFacts>, kpi: KpiId, prepared: PreparedQuery): KpiItem[] => {
  const items: KpiItem[] = [];
  for (const subject of subjects) items.push(...judgeInPeriod(subject, kpi, prepared));
  return items.sort((a, b) => compareIds(a.itemId, b.itemId));
};

/** The completion rates of a period from the subjects that can hold its items (any superset of them gives the same answer). */
export const summariseKpis = (subjects: readonly SubjectFacts[], prepared: PreparedQuery): KpiResult[] =>
  prepared.kpis.map((kpi) => summarise(kpi, prepared, judgeKpiItems(subjects, kpi, prepared)));

/** The KPIs of a period from items already judged for it (each KPI's items in any order). */
export const summariseJudged = (items: Iterable<JudgedItem>, prepared: PreparedQuery): KpiResult[] => {
  const byKpi = new Map<KpiId, JudgedItem[]>(prepared.kpis.map((kpi) => [kpi, []]));
  for (const one of items) byKpi.get(one.kpi)?.push(one);
  return prepared.kpis.map((kpi) => summarise(kpi, prepared, byKpi.get(kpi)!.sort((a, b) => compareIds(a.itemId, b.itemId))));
};

/** The eighteen KPIs (or those asked for) of a period, as of an instant, from subjects held in memory. */
export const computeKpis = (subjects: Iterable<SubjectFacts>, query: KpiQuery): E.Either<string, KpiResult[]> => {
  const prepared = prepareKpiQuery(query);
  if (E.isLeft(prepared)) return prepared;
  return E.right(summariseKpis([...subjects], prepared.right));
};

/** Every item of one KPI in a period as of an instant, hits, misses, pending and excluded alike, sorted by id. */
export const kpiItems = (subjects: Iterable<SubjectFacts>, kpi: KpiId, query: KpiQuery): E.Either<string, KpiItem[]> => {
  const prepared = prepareKpiQuery(query);
  if (E.isLeft(prepared)) return prepared;
  return E.right(judgeKpiItems(subjects, kpi, prepared.right));
};

/**
 * One item of one KPI, whatever its period: its verdict as of the instant, why, and the events
 * that decided it. Undefined when the subject gives no such item (yet).
 */
export const explainKpiItem = (
  subject: SubjectFacts | undefined,
  kpi: KpiId,
  itemId: string,
  options: { readonly asOf?: string | Date; readonly config?: KpiConfig } = {},
): E.Either<string, KpiItem | undefined> => {
  const asOf = toInstant(options.asOf);
  if (E.isLeft(asOf)) return asOf;
  if (subject === undefined) return E.right(undefined);
  const context: JudgeContext = { asOf: asOf.right, deadlineClock: asOf.right, rulesAt: rulesResolver(options.config ?? defaultKpiConfig) };
  return E.right(judgeSubject(context, kpi, subject).find((one) => one.itemId === itemId));
};
