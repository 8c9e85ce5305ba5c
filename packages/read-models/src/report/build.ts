import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, VerificationReport } from '@aftersales/core';
import { formatAnchor, isStoreFailure } from '@aftersales/core';
import type { KpiConfig, KpiRules } from '../config.js';
import { defaultKpiConfig, rulesOf, rulesResolver } from '../config.js';
import { emptyKpiFacts, foldKpiFacts, KPI_STREAM_PREFIXES } from '../kpi-facts.js';
import type { KpiId, Reason } from '../kpi-definitions.js';
import type { Threshold } from '../kpi-targets.js';
import { kpiIds } from '../kpi-definitions.js';
import { kpiNames } from '../kpi-targets.js';
import { computeKpis, kpiItems } from '../kpis.js';
import { formatPeriod, localDateOf, parsePeriod } from '../periods.js';

/** How many integrity problems a report lists; the count says how many there were. */
const PROBLEMS_LISTED = 50;

export interface AuditReportQuery {
  /** Counts only what had happened (business time) at or before this instant. */
  readonly asOf: string;
  /** `2026-03`, `2026-Q1` or `2026`; the year of `asOf` when absent. */
  readonly period?: string;
  /** Counts only what had been recorded (`metadata.recordedAt`) at or before this instant. */
  readonly knownAt?: string;
  readonly config?: KpiConfig;
}

export interface ReportKpi {
  readonly kpi: KpiId;
  readonly zh: string;
  readonly en: string;
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
  readonly target: Threshold;
  readonly met: boolean | null;
  readonly missed: number;
  readonly pending: number;
}

export interface ReportEvidence {
  readonly type: string;
  readonly at: string;
  readonly streamId: string;
  readonly revision: number;
}

export interface MissedItem {
  readonly kpi: KpiId;
  readonly itemId: string;
  readonly periodAnchor: string;
  readonly deadline: string | null;
  readonly reason: Reason;
  readonly evidence: readonly ReportEvidence[];
}

export interface ReportVerification {
  readonly intact: boolean;
  readonly eventCount: number;
  readonly streamCount: number;
  readonly problemCount: number;
  readonly problems: readonly { readonly kind: string; readonly streamId: string; readonly revision: number; readonly message: string; readonly expected: string; readonly found: string }[];
  readonly checkpoints: number;
  readonly checkpointsAuthenticated: boolean;
  /** With the audit key: how many of the first events a checkpoint bearing its MAC covers. */
  readonly vouchedEventCount: number;
  readonly anchor: string;
}

/**
 * Everything an audit report says, as data: `report.json` is this, and the Markdown and HTML forms
 * are drawn from it alone. Nothing in it depends on when or where it was made, only on the log and
 * the query, so the same log gives the same bytes.
 */
export interface AuditReport {
  readonly title: string;
  readonly query: { readonly period: string; readonly asOf: string; readonly knownAt: string | null };
  readonly log: { readonly eventsRead: number; readonly eventsCounted: number; readonly eventsRecordedAfterKnownAt: number };
  readonly verification: ReportVerification;
  readonly configuration: { readonly inForceAtAsOf: KpiRules; readonly versions: ReadonlyArray<KpiRules & { readonly effectiveFrom: string }> };
  readonly kpis: readonly ReportKpi[];
  readonly trend: { readonly months: readonly string[]; readonly series: readonly { readonly kpi: KpiId; readonly rates: readonly (number | null)[] }[] };
  readonly missed: readonly MissedItem[];
  /** Department events that did not decode (or decrypt): left out of every KPI, and named here. */
  readonly undecodable: readonly { readonly streamId: string; readonly revision: number; readonly type: string; readonly problem: string }[];
}

const instantMs = (label: string, text: string): E.Either<string, number> => {
  const ms = Date.parse(text);
  return Number.isNaN(ms) || !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? E.left(`${label} ${JSON.stringify(text)} is not an instant with an offset`) : E.right(ms);
};

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const summariseVerification = (verification: VerificationReport): ReportVerification => ({
  intact: verification.intact,
  eventCount: verification.eventCount,
  streamCount: verification.streamCount,
  problemCount: verification.problemCount,
  problems: verification.problems.slice(0, PROBLEMS_LISTED).map(({ kind, streamId, revision, message, expected, found }) => ({ kind, streamId, revision, message, expected, found })),
  checkpoints: verification.checkpoints,
  checkpointsAuthenticated: verification.checkpointsAuthenticated,
  vouchedEventCount: verification.vouchedEventCount,
  anchor: formatAnchor(verification.anchor),
});

/**
 * Replays the log into the KPI facts, counting only events recorded by `knownAt`, and judges the
 * eighteen KPIs of the period as of `asOf`, with the months of its year as a trend, every missed item
 * with the events that decided it, the rules in force, and the verification of the raw log.
 * `store` must decode (see `withEventPipeline`); `verification` is that of the raw store.
 */
export const buildAuditReport = async (
  store: EventStore,
  verification: VerificationReport,
  query: AuditReportQuery,
): Promise<E.Either<string, AuditReport>> => {
  const config = query.config ?? defaultKpiConfig;
  const asOfMs = instantMs('--as-of', query.asOf);
  if (E.isLeft(asOfMs)) return asOfMs;
  const knownAtMs = query.knownAt === undefined ? E.right(Number.POSITIVE_INFINITY) : instantMs('--known-at', query.knownAt);
  if (E.isLeft(knownAtMs)) return knownAtMs;
  const inForce = rulesResolver(config)(asOfMs.right);
  const period = query.period ?? String(localDateOf(asOfMs.right, inForce.timeZone).year);
  const parsedPeriod = parsePeriod(period);
  if (E.isLeft(parsedPeriod)) return parsedPeriod;

  const facts = emptyKpiFacts();
  let eventsRead = 0;
  let eventsCounted = 0;
  try {
    for await (const event of store.readAll({ filter: { streamPrefixes: KPI_STREAM_PREFIXES } })) {
      eventsRead += 1;
      if (Date.parse(event.metadata.recordedAt) > knownAtMs.right) continue;
      eventsCounted += 1;
      foldKpiFacts(facts, event);
    }
  } catch (thrown) {
    return E.left(isStoreFailure(thrown) ? `${thrown.error.code}: ${thrown.error.message}` : `reading the log failed: ${String(thrown)}`);
  }

  const kpiQuery = { period, asOf: query.asOf, config, sample: Number.POSITIVE_INFINITY };
  const subjects = [...facts.subjects.values()];
  const results = computeKpis(subjects, kpiQuery);
  if (E.isLeft(results)) return results;

  const year = parsedPeriod.right.year;
  const months = Array.from({ length: 12 }, (_, index) => formatPeriod({ kind: 'month', year, month: index + 1 }));
  const monthly: Record<string, (number | null)[]> = Object.fromEntries(kpiIds.map((kpi) => [kpi, [] as (number | null)[]]));
  for (const month of months) {
    const inMonth = computeKpis(subjects, { ...kpiQuery, period: month });
    if (E.isLeft(inMonth)) return inMonth;
    for (const result of inMonth.right) monthly[result.kpi]!.push(result.rate);
  }

  const missed: MissedItem[] = [];
  for (const kpi of kpiIds) {
    const items = kpiItems(subjects, kpi, kpiQuery);
    if (E.isLeft(items)) return items;
    for (const item of items.right) {
      if (item.verdict !== 'miss') continue;
      missed.push({
        kpi,
        itemId: item.itemId,
        periodAnchor: item.periodAnchor,
        deadline: item.deadline ?? null,
        reason: { en: item.reason.en, zh: item.reason.zh },
        evidence: item.evidence.map(({ type, at, streamId, revision }) => ({ type, at, streamId, revision })),
      });
    }
  }
  missed.sort((a, b) => kpiIds.indexOf(a.kpi) - kpiIds.indexOf(b.kpi) || compare(a.itemId, b.itemId));

  return E.right({
    title: 'Audit report of the after-sales service department (售后服务部审计报告)',
    query: { period: formatPeriod(parsedPeriod.right), asOf: query.asOf, knownAt: query.knownAt ?? null },
    log: { eventsRead, eventsCounted, eventsRecordedAfterKnownAt: eventsRead - eventsCounted },
    verification: summariseVerification(verification),
    configuration: {
      inForceAtAsOf: inForce,
      versions: [...config].sort((a, b) => compare(a.effectiveFrom, b.effectiveFrom)).map((version) => ({ effectiveFrom: version.effectiveFrom, ...rulesOf(version) })),
    },
    kpis: results.right.map((result) => ({
      kpi: result.kpi,
      zh: kpiNames[result.kpi].zh,
      en: kpiNames[result.kpi].en,
      numerator: result.numerator,
      denominator: result.denominator,
      rate: result.rate,
      target: result.target,
      met: result.met,
      missed: result.missedCount,
      pending: result.pendingCount,
    })),
    trend: { months, series: kpiIds.map((kpi) => ({ kpi, rates: monthly[kpi]! })) },
    missed,
    undecodable: facts.undecodable.map(({ evidence, problem }) => ({ streamId: evidence.streamId, revision: evidence.revision, type: evidence.type, problem })),
  });
};

/** The report as `report.json`: two-space JSON, keys in the order above, one newline at the end. */
export const renderReportJson = (report: AuditReport): string => `${JSON.stringify(report, null, 2)}\n`;
