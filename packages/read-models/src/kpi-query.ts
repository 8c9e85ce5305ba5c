import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, KpiConfigVersion } from './config.js';
import { defaultKpiConfig, rulesResolver } from './config.js';
import type { JudgeContext, KpiId, KpiItem } from './kpi-definitions.js';
import { kpiIds, kpiPeriodRule } from './kpi-definitions.js';
import type { Period } from './periods.js';
import { formatPeriod, parsePeriod, periodEnd, periodStart } from './periods.js';

/** How many ids of missed and pending items a result lists by default; `kpiItems` pages through them all. */
export const DEFAULT_SAMPLE = 20;

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

/** An instant given as ISO text or a Date; now when absent. */
export const toInstant = (asOf: string | Date | undefined): E.Either<string, number> => {
  if (asOf === undefined) return E.right(Date.now());
  const value = asOf instanceof Date ? asOf.getTime() : Date.parse(asOf);
  return Number.isNaN(value) ? E.left(`asOf ${String(asOf)} is not an instant`) : E.right(value);
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
export const itemInPeriod = (period: Period, one: Pick<KpiItem, 'month'>): boolean => {
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
