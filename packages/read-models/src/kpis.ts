import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, KpiConfigVersion, KpiRules } from './config.js';
import { defaultKpiConfig, rulesResolver } from './config.js';
import type { SubjectFacts } from './kpi-facts.js';
import { putEntry } from './kpi-facts.js';
import type { Dimension, Direction, JudgeContext, KpiId, KpiItem } from './kpi-judges.js';
import { compareIds, judgeSubject, kpiDirections, kpiIds, kpiPeriodRule } from './kpi-judges.js';
import type { Period } from './periods.js';
import { formatPeriod, parsePeriod, periodEnd, periodStart } from './periods.js';

export * from './kpi-judges.js';

export const kpiNames: Readonly<Record<KpiId, { readonly zh: string; readonly en: string }>> = {
  timelyReceipt: { zh: '接收及时完成率', en: 'timely receipt' },
  onTimeAccurateRepair: { zh: '修复完成及时准确率', en: 'on-time, right-first-time repair' },
  finishingCompliance: { zh: '整理达标率', en: 'finishing passed first time' },
  customerSatisfaction: { zh: '客户满意率', en: 'customer satisfaction' },
  standardExecution: { zh: '标准执行率', en: 'standard execution' },
  assessmentPass: { zh: '考核通过率', en: 'assessment pass rate' },
  standardAwareness: { zh: '知晓率', en: 'standard awareness' },
  appraisalOnTime: { zh: '考核计划完成及时率', en: 'appraisals completed on time' },
  staffCompetency: { zh: '人员胜任率', en: 'staff competency' },
  recommendationApproval: { zh: '总经理审批通过率', en: 'recommendations approved' },
  budgetExecution: { zh: '预算执行达标率', en: 'budget execution' },
  costControl: { zh: '成本控制达标率', en: 'cost control' },
  improvementCompliance: { zh: '改进达标率', en: 'improvements verified on time' },
  suggestionAdoption: { zh: '合理化建议采纳率', en: 'suggestions adopted' },
  delegatedTaskOnTime: { zh: '委派工作完成及时率', en: 'delegated work reported on time' },
  staffTurnover: { zh: '员工流失率', en: 'staff turnover' },
  jobDescriptionAwareness: { zh: '岗位职责知晓率', en: 'job descriptions confirmed' },
  institutionCompleteness: { zh: '完善率', en: 'planned documents published on time' },
};

/** A KPI's target: a rate the KPI's rate must reach (`atLeast`) or stay at or below (`atMost`). */
export interface Threshold {
  readonly direction: Direction;
  readonly rate: number;
}

/**
 * The target of a KPI for a period (DOMAIN.md): 100% at least for most, 50% at least for
 * `suggestionAdoption`, and for `staffTurnover` at most the company's limit for the period's length
 * in the settings in force at the period's start.
 */
export const kpiTarget = (kpi: KpiId, period: Period, rulesAtStart: KpiRules): Threshold => {
  switch (kpi) {
    case 'suggestionAdoption':
      return { direction: 'atLeast', rate: 0.5 };
    case 'staffTurnover':
      return { direction: 'atMost', rate: rulesAtStart.turnoverLimits[period.kind] };
    default:
      return { direction: kpiDirections[kpi], rate: 1 };
  }
};

/** Whether a rate meets a threshold: at or above an `atLeast` target, at or below an `atMost` one. */
export const meetsThreshold = (rate: number, threshold: Threshold): boolean => (threshold.direction === 'atLeast' ? rate >= threshold.rate : rate <= threshold.rate);

export const kpiDimensions: Readonly<Record<KpiId, readonly Dimension[]>> = {
  timelyReceipt: ['endpoint'],
  onTimeAccurateRepair: ['specialist', 'endpoint'],
  finishingCompliance: ['specialist', 'endpoint'],
  customerSatisfaction: ['endpoint'],
  standardExecution: ['endpoint'],
  assessmentPass: ['endpoint', 'employee'],
  standardAwareness: ['endpoint'],
  appraisalOnTime: ['employee'],
  staffCompetency: ['employee'],
  recommendationApproval: ['kind'],
  budgetExecution: ['category'],
  costControl: ['category'],
  improvementCompliance: ['department', 'category'],
  suggestionAdoption: ['department'],
  delegatedTaskOnTime: [],
  staffTurnover: ['position'],
  jobDescriptionAwareness: ['position', 'employee'],
  institutionCompleteness: ['kind'],
};

/** How many ids of missed and pending items a result lists by default; `kpiItems` pages through them all. */
export const DEFAULT_SAMPLE = 20;

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

export interface KpiQuery {
  /** `2026-03`, `2026-Q1` or `2026`. */
  readonly period: string;
  /** Only what happened at or before this instant counts; now when absent. */
  readonly asOf?: string | Date;
  /** The versioned rules; the defaults (24 h, 80%, 7 days, Asia/Shanghai) when absent. */
  readonly config?: KpiConfig;
  /** Only these KPIs; all eighteen when absent. */
  readonly kpis?: readonly KpiId[];
  /** How many missed and pending ids a result lists (default 20). */
  readonly sample?: number;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

const toInstant = (asOf: string | Date | undefined): E.Either<string, number> => {
  if (asOf === undefined) return E.right(Date.now());
  const value = asOf instanceof Date ? asOf.getTime() : Date.parse(asOf);
  return Number.isNaN(value) ? E.left(`asOf ${String(asOf)} is not an instant`) : E.right(value);
};

const rate = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/** The first `size` ids of the items, sorted. */
const sampleOf = (items: readonly KpiItem[], size: number): string[] =>
  items
    .map((one) => one.itemId)
    .sort(compareIds)
    .slice(0, size);

const summarise = (kpi: KpiId, prepared: PreparedQuery, items: readonly KpiItem[]): KpiResult => {
  const counted = items.filter((one) => one.verdict === 'hit' || one.verdict === 'miss');
  const countedVerdict = kpiDirections[kpi] === 'atLeast' ? 'hit' : 'miss';
  const numerator = counted.filter((one) => one.verdict === countedVerdict).length;
  const denominator = counted.length;
  const result = rate(numerator, denominator);
  const target = kpiTarget(kpi, prepared.period, prepared.context.rulesAt(prepared.bounds.from));
  const breakdowns: Partial<Record<Dimension, Record<string, BreakdownRow>>> = {};
  for (const dimension of kpiDimensions[kpi]) {
    const groups = new Map<string, KpiItem[]>();
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

/** A query made ready: its period, instant, rules, KPIs, and the anchor range that can hold its items. */
export interface PreparedQuery {
  readonly period: Period;
  readonly label: string;
  readonly context: JudgeContext;
  readonly kpis: readonly KpiId[];
  readonly sample: number;
  readonly settings: readonly KpiConfigVersion[];
  /**
   * The period as instants [from, to), in the time zone in force at its start (read first in the
   * earliest version's zone): the span `staffTurnover` counts employment over.
   */
  readonly bounds: { readonly from: number; readonly to: number };
  /**
   * Every item of the period has its anchor in [from, to): the period's bounds widened by two days,
   * more than any time zone's offset, so that an index on anchors can find the candidates whatever
   * zone the rules give; the exact period test is made on each item afterwards.
   */
  readonly anchorRange: { readonly from: number; readonly to: number };
}

const DAY = 86_400_000;

/** The versions of the settings in force at some instant of [from, to). */
const settingsDuring = (config: KpiConfig, from: number, to: number): KpiConfigVersion[] => {
  const sorted = [...config].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom));
  return sorted.filter((version, index) => {
    const next = sorted[index + 1];
    const starts = index === 0 ? Number.NEGATIVE_INFINITY : Date.parse(version.effectiveFrom);
    const ends = next === undefined ? Number.POSITIVE_INFINITY : Date.parse(next.effectiveFrom);
    return starts < to && ends > from;
  });
};

export const prepareKpiQuery = (query: KpiQuery): E.Either<string, PreparedQuery> => {
  const period = parsePeriod(query.period);
  if (E.isLeft(period)) return period;
  const asOf = toInstant(query.asOf);
  if (E.isLeft(asOf)) return asOf;
  const sample = query.sample ?? DEFAULT_SAMPLE;
  if (!(Number.isInteger(sample) || sample === Number.POSITIVE_INFINITY) || sample < 0) return E.left(`sample ${sample} is not a whole number of ids`);
  const config = query.config ?? defaultKpiConfig;
  const zone = config[0]!.timeZone;
  const from = periodStart(period.right, zone);
  const to = periodEnd(period.right, zone);
  const rulesAt = rulesResolver(config);
  const zoneAtStart = rulesAt(from).timeZone;
  const bounds = { from: periodStart(period.right, zoneAtStart), to: periodEnd(period.right, zoneAtStart) };
  return E.right({
    period: period.right,
    label: formatPeriod(period.right),
    context: { asOf: asOf.right, deadlineClock: asOf.right, rulesAt, period: bounds },
    bounds,
    kpis: query.kpis ?? kpiIds,
    sample,
    settings: settingsDuring(config, from - 2 * DAY, to + 2 * DAY),
    anchorRange: { from: from - 2 * DAY, to: to + 2 * DAY },
  });
};

/** Whether an item's month (already read in its own time zone) is in the period. */
export const itemInPeriod = (period: Period, one: KpiItem): boolean => {
  const year = Number(one.month.slice(0, 4));
  if (year !== period.year) return false;
  const month = Number(one.month.slice(5, 7));
  return period.kind === 'year' || (period.kind === 'month' ? month === period.month : Math.ceil(month / 3) === period.quarter);
};

/**
 * Which item rows a backend must look up to find every subject with an item in the period: those of
 * most KPIs anchored in `anchorRange`, and those of `staffTurnover` anchored (joined) at any time
 * before the period's end, as an employee who joined years ago still counts in it.
 */
export const candidateLookups = (prepared: PreparedQuery): Array<{ readonly kpis: readonly KpiId[]; readonly range: { readonly from: number; readonly to: number } }> => {
  const anchored = prepared.kpis.filter((kpi) => kpiPeriodRule(kpi) === 'anchor');
  const overlapping = prepared.kpis.filter((kpi) => kpiPeriodRule(kpi) === 'overlap');
  return [
    ...(anchored.length === 0 ? [] : [{ kpis: anchored, range: prepared.anchorRange }]),
    ...(overlapping.length === 0 ? [] : [{ kpis: overlapping, range: { from: Number.MIN_SAFE_INTEGER, to: prepared.anchorRange.to } }]),
  ];
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
export const summariseJudged = (items: Iterable<KpiItem>, prepared: PreparedQuery): KpiResult[] => {
  const byKpi = new Map<KpiId, KpiItem[]>(prepared.kpis.map((kpi) => [kpi, []]));
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
