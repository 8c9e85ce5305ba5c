import type { KpiRules } from './config.js';
import type { Evidence, SubjectKind } from './facts/schema.js';

/** The eighteen KPIs (达标率), with the ids DOMAIN.md gives them. */
export const kpiIds = [
  'timelyReceipt',
  'onTimeAccurateRepair',
  'finishingCompliance',
  'customerSatisfaction',
  'standardExecution',
  'assessmentPass',
  'standardAwareness',
  'appraisalOnTime',
  'staffCompetency',
  'recommendationApproval',
  'budgetExecution',
  'costControl',
  'improvementCompliance',
  'suggestionAdoption',
  'delegatedTaskOnTime',
  'staffTurnover',
  'jobDescriptionAwareness',
  'institutionCompleteness',
] as const;
export type KpiId = (typeof kpiIds)[number];

/** Which kind of subject each KPI's items come from. */
export const kpiSubjectKinds: Readonly<Record<KpiId, SubjectKind>> = {
  timelyReceipt: 'order',
  onTimeAccurateRepair: 'order',
  finishingCompliance: 'order',
  customerSatisfaction: 'order',
  standardExecution: 'compliance',
  assessmentPass: 'assessment',
  standardAwareness: 'standard',
  appraisalOnTime: 'appraisal',
  staffCompetency: 'appraisal',
  recommendationApproval: 'appraisal',
  budgetExecution: 'budget',
  costControl: 'budget',
  improvementCompliance: 'improvement',
  suggestionAdoption: 'suggestion',
  delegatedTaskOnTime: 'assignment',
  staffTurnover: 'employee',
  jobDescriptionAwareness: 'jobDescription',
  institutionCompleteness: 'standard',
};

/**
 * Which way a KPI's target points: at least (the rate counts hits and must reach the target) or at
 * most (the rate counts misses, such as leavers, and must stay at or below the limit).
 */
export type Direction = 'atLeast' | 'atMost';

export const kpiDirections: Readonly<Record<KpiId, Direction>> = Object.fromEntries(kpiIds.map((id) => [id, id === 'staffTurnover' ? 'atMost' : 'atLeast'])) as Record<KpiId, Direction>;

/**
 * How a KPI's items fall in a period: by the month of their anchor, or (`staffTurnover`) in every
 * period their span overlaps, as an employee counts in each month they were employed.
 */
export const kpiPeriodRule = (kpi: KpiId): 'anchor' | 'overlap' => (kpi === 'staffTurnover' ? 'overlap' : 'anchor');

export type Dimension = 'endpoint' | 'specialist' | 'employee' | 'category' | 'kind' | 'department' | 'position';

/** Each dimension once, as a record over the type: the list below can neither miss one nor name another. */
const everyDimension: Readonly<Record<Dimension, true>> = { endpoint: true, specialist: true, employee: true, category: true, kind: true, department: true, position: true };

/** Every dimension, for decoding a stored breakdown. */
export const dimensions: readonly Dimension[] = Object.keys(everyDimension) as Dimension[];

export type Verdict = 'hit' | 'miss' | 'pending' | 'excluded';

export interface Reason {
  readonly en: string;
  readonly zh: string;
}

/** One item of one KPI as of an instant: its verdict, why, and the events that decided it. */
export interface KpiItem {
  readonly kpi: KpiId;
  readonly itemId: string;
  /** The instant that places the item in a period (receipt, inspection, due date, closing…). */
  readonly periodAnchor: string;
  /** The month of the anchor in the time zone in force then, e.g. `2026-03`. */
  readonly month: string;
  readonly timeZone: string;
  readonly verdict: Verdict;
  readonly reason: Reason;
  /** When the item has a deadline: the instant by which it had to be done. */
  readonly deadline?: string;
  readonly evidence: readonly Evidence[];
  readonly breakdown: Partial<Record<Dimension, string>>;
}

/**
 * What a judge knows: events at or before `asOf` have happened, and a deadline after `deadlineClock`
 * has not passed. A query sets both to its as-of instant; the read models' item rows, which state
 * what is known at the head of the log whatever the hour, judge with every event known and no
 * deadline passed, so an item not done yet is `pending` there (its deadline says until when).
 */
export interface JudgeContext {
  readonly asOf: number;
  readonly deadlineClock: number;
  readonly rulesAt: (epochMs: number) => KpiRules;
  /**
   * The period a query asks about, as instants [from, to), for the KPIs whose items depend on it
   * (`staffTurnover`); absent for the item rows and for `explain`, which judge an item on its own.
   */
  readonly period?: { readonly from: number; readonly to: number };
}

export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
