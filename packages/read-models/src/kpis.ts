import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, KpiRules } from './config.js';
import { defaultKpiConfig, rulesResolver } from './config.js';
import type { Evidence, InspectionFact, KpiFactsState, OrderFacts } from './kpi-facts.js';
import { entryOf, putEntry } from './kpi-facts.js';
import type { Period } from './periods.js';
import { formatPeriod, localDateOf, parsePeriod } from './periods.js';

/** The twelve completion rates (达标率), with the ids DOMAIN.md gives them. */
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
] as const;
export type KpiId = (typeof kpiIds)[number];

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
};

/** Every KPI's target is 100% (DOMAIN.md); kept as data so that results carry it. */
export const kpiTargets: Readonly<Record<KpiId, number>> = Object.fromEntries(kpiIds.map((id) => [id, 1])) as Record<KpiId, number>;

export type Dimension = 'endpoint' | 'specialist' | 'employee' | 'category' | 'kind';

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

export interface BreakdownRow {
  readonly numerator: number;
  readonly denominator: number;
  readonly rate: number | null;
  readonly missed: readonly string[];
}

export interface KpiResult {
  readonly kpi: KpiId;
  readonly name: { readonly zh: string; readonly en: string };
  readonly period: string;
  readonly asOf: string;
  readonly numerator: number;
  readonly denominator: number;
  /** numerator ÷ denominator, a fraction in [0, 1]; null when the denominator is 0. */
  readonly rate: number | null;
  readonly target: number;
  /** Whether the rate reaches the target; null when there is no rate. */
  readonly met: boolean | null;
  /** Ids of the items that missed, sorted. */
  readonly missed: readonly string[];
  /** Ids of the items whose deadline is after `asOf` and that are not done yet: in no denominator. */
  readonly pending: readonly string[];
  readonly breakdowns: Partial<Record<Dimension, Readonly<Record<string, BreakdownRow>>>>;
}

export interface KpiQuery {
  /** `2026-03`, `2026-Q1` or `2026`. */
  readonly period: string;
  /** Only what happened at or before this instant counts; now when absent. */
  readonly asOf?: string | Date;
  /** The versioned rules; the defaults (24 h, 80%, Asia/Shanghai) when absent. */
  readonly config?: KpiConfig;
  /** Only these KPIs; all twelve when absent. */
  readonly kpis?: readonly KpiId[];
}

type Rules = (epochMs: number) => KpiRules;

interface Context {
  readonly asOf: number;
  readonly rulesAt: Rules;
}

const ms = (instant: string): number => Date.parse(instant);
const happened = (context: Context, evidence: Evidence): boolean => evidence.epochMs <= context.asOf;
const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders events by business time, then by log order, as an auditor would read them. */
const positionBefore = (a: string, b: string): boolean => (a.length === b.length ? a < b : a.length < b.length);
const before = (a: Evidence, b: Evidence): boolean => a.epochMs < b.epochMs || (a.epochMs === b.epochMs && positionBefore(a.position, b.position));

/** The instant that places an item in a period. */
type Anchor = Pick<Evidence, 'at' | 'epochMs'>;

const item = (
  context: Context,
  fields: Omit<KpiItem, 'month' | 'timeZone' | 'periodAnchor'> & { readonly anchor: Anchor },
): KpiItem => {
  const { anchor, ...rest } = fields;
  const { timeZone } = context.rulesAt(anchor.epochMs);
  const { year, month } = localDateOf(anchor.epochMs, timeZone);
  return { ...rest, periodAnchor: anchor.at, month: formatPeriod({ kind: 'month', year, month }), timeZone };
};

const reason = (en: string, zh: string): Reason => ({ en, zh });

const timelyReceipt = (context: Context, order: OrderFacts): KpiItem | undefined => {
  if (!happened(context, order.received)) return undefined;
  const received = order.received.epochMs;
  const { receiptSlaHours } = context.rulesAt(received);
  const deadline = received + receiptSlaHours * 3_600_000;
  const base = { kpi: 'timelyReceipt' as const, itemId: order.orderId, anchor: order.received, deadline: iso(deadline), breakdown: { endpoint: order.endpointId } };
  const cancelled = order.cancelled !== undefined && happened(context, order.cancelled) ? order.cancelled : undefined;
  if (cancelled !== undefined && cancelled.epochMs < deadline) {
    return item(context, { ...base, verdict: 'excluded', reason: reason('cancelled before its receipt deadline', '在接收时限前已取消'), evidence: [order.received, cancelled] });
  }
  const confirmed = order.confirmations.find((evidence) => happened(context, evidence));
  const scheduled = order.promises.map((promise) => promise.evidence).find((evidence) => happened(context, evidence));
  const evidence = [order.received, ...(confirmed ? [confirmed] : []), ...(scheduled ? [scheduled] : []), ...(cancelled ? [cancelled] : [])];
  const confirmedInTime = confirmed !== undefined && confirmed.epochMs <= deadline;
  const scheduledInTime = scheduled !== undefined && scheduled.epochMs <= deadline;
  if (confirmedInTime && scheduledInTime) {
    return item(context, { ...base, verdict: 'hit', reason: reason('confirmed and scheduled by the deadline', '在时限内确认接收并排期'), evidence });
  }
  if (deadline > context.asOf) {
    return item(context, { ...base, verdict: 'pending', reason: reason('not yet confirmed and scheduled; the deadline has not passed', '尚未确认并排期，时限未到'), evidence });
  }
  const late = [!confirmedInTime ? 'confirmation' : undefined, !scheduledInTime ? 'schedule' : undefined].filter((part) => part !== undefined);
  const lateZh = [!confirmedInTime ? '确认接收' : undefined, !scheduledInTime ? '排期' : undefined].filter((part) => part !== undefined);
  return item(context, {
    ...base,
    verdict: 'miss',
    reason: reason(`no ${late.join(' and ')} by the deadline`, `时限内未完成${lateZh.join('和')}`),
    evidence,
  });
};

/** An item of a "passed first time" KPI: the first passed inspection as of the instant, and every inspection before it. */
const firstPass = (context: Context, inspections: readonly InspectionFact[]) => {
  const known = inspections.filter((inspection) => happened(context, inspection.evidence));
  const passingIndex = known.findIndex((inspection) => inspection.passed);
  if (passingIndex < 0) return undefined;
  const passing = known[passingIndex]!;
  return { passing, firstTime: passingIndex === 0 && passing.attempt === 1, tried: known.slice(0, passingIndex + 1) };
};

const onTimeAccurateRepair = (context: Context, order: OrderFacts): KpiItem | undefined => {
  const pass = firstPass(context, order.repairInspections);
  if (pass === undefined) return undefined;
  const passedAt = pass.passing.evidence;
  const promise = order.promises.filter((candidate) => !before(passedAt, candidate.evidence)).at(-1);
  const completion = order.completions.filter((candidate) => !before(passedAt, candidate.evidence)).at(-1);
  const specialist = completion?.specialistId ?? promise?.specialistId;
  const onTime = promise !== undefined && passedAt.epochMs <= ms(promise.promisedBy);
  const evidence = [...(promise ? [promise.evidence] : []), ...pass.tried.map((inspection) => inspection.evidence)];
  const base = {
    kpi: 'onTimeAccurateRepair' as const,
    itemId: order.orderId,
    anchor: passedAt,
    ...(promise ? { deadline: promise.promisedBy } : {}),
    evidence,
    breakdown: { endpoint: order.endpointId, ...(specialist === undefined ? {} : { specialist }) },
  };
  if (pass.firstTime && onTime) {
    return item(context, { ...base, verdict: 'hit', reason: reason('passed its first repair inspection, by the promise in force', '首次修复检验即通过，且在承诺时间内') });
  }
  const why = [
    pass.firstTime ? undefined : { en: `passed at inspection ${pass.passing.attempt} after rework`, zh: `返修后第${pass.passing.attempt}次检验才通过` },
    onTime ? undefined : { en: promise ? `passed after the promise in force (${promise.promisedBy})` : 'had no promise in force', zh: promise ? `通过时间晚于承诺时间（${promise.promisedBy}）` : '无有效承诺时间' },
  ].filter((part) => part !== undefined);
  return item(context, { ...base, verdict: 'miss', reason: reason(why.map((part) => part.en).join('; '), why.map((part) => part.zh).join('；')) });
};

const finishingCompliance = (context: Context, order: OrderFacts): KpiItem | undefined => {
  const pass = firstPass(context, order.finishingInspections);
  if (pass === undefined) return undefined;
  const passedAt = pass.passing.evidence;
  const specialist = order.finishes.filter((finish) => !before(passedAt, finish.evidence)).at(-1)?.specialistId;
  const base = {
    kpi: 'finishingCompliance' as const,
    itemId: order.orderId,
    anchor: passedAt,
    evidence: pass.tried.map((inspection) => inspection.evidence),
    breakdown: { endpoint: order.endpointId, ...(specialist === undefined ? {} : { specialist }) },
  };
  return pass.firstTime
    ? item(context, { ...base, verdict: 'hit', reason: reason('passed its first finishing inspection', '首次整理检验即通过') })
    : item(context, {
        ...base,
        verdict: 'miss',
        reason: reason(`refinished; passed at finishing inspection ${pass.passing.attempt}`, `返工整理，第${pass.passing.attempt}次检验才通过`),
      });
};

const customerSatisfaction = (context: Context, order: OrderFacts): KpiItem | undefined => {
  const feedback = order.feedback;
  if (feedback === undefined || !happened(context, feedback.evidence)) return undefined;
  return item(context, {
    kpi: 'customerSatisfaction',
    itemId: order.orderId,
    anchor: feedback.evidence,
    evidence: [feedback.evidence],
    breakdown: { endpoint: order.endpointId },
    verdict: feedback.satisfied ? 'hit' : 'miss',
    reason: feedback.satisfied ? reason('the customer was satisfied', '客户满意') : reason('the customer was not satisfied', '客户不满意'),
  });
};

const standardExecution = (context: Context, facts: KpiFactsState): KpiItem[] =>
  facts.complianceInspections
    .filter((inspection) => happened(context, inspection.evidence))
    .map((inspection) =>
      item(context, {
        kpi: 'standardExecution',
        itemId: `${inspection.standardId}@${inspection.version}/${inspection.endpointId}#${inspection.evidence.revision}`,
        anchor: inspection.evidence,
        evidence: [inspection.evidence],
        breakdown: { endpoint: inspection.endpointId },
        verdict: inspection.compliant ? 'hit' : 'miss',
        reason: inspection.compliant
          ? reason('found compliant', '检查合规')
          : reason(`not compliant: ${inspection.findings.join('; ') || 'no findings given'}`, `检查不合规：${inspection.findings.join('；') || '未列明问题'}`),
      }),
    );

const assessmentPass = (context: Context, facts: KpiFactsState): KpiItem[] =>
  facts.assessments
    .filter((assessment) => happened(context, assessment.evidence))
    .map((assessment) =>
      item(context, {
        kpi: 'assessmentPass',
        itemId: `${assessment.standardId}@${assessment.version}/${assessment.employeeId}#${assessment.evidence.revision}`,
        anchor: assessment.evidence,
        evidence: [assessment.evidence],
        breakdown: { endpoint: assessment.endpointId, employee: assessment.employeeId },
        verdict: assessment.passed ? 'hit' : 'miss',
        reason: assessment.passed
          ? reason(`passed: ${assessment.score} against a pass mark of ${assessment.passMark}`, `通过：${assessment.score}分（及格线${assessment.passMark}分）`)
          : reason(`failed: ${assessment.score} against a pass mark of ${assessment.passMark}`, `未通过：${assessment.score}分（及格线${assessment.passMark}分）`),
      }),
    );

const standardAwareness = (context: Context, facts: KpiFactsState): KpiItem[] => {
  const items: KpiItem[] = [];
  for (const version of Object.values(facts.standardVersions)) {
    const published = version.published;
    if (published === undefined || !happened(context, published.evidence)) continue;
    const ends = [version.superseded?.evidence, version.retired].filter(
      (end): end is Evidence => end !== undefined && happened(context, end),
    );
    const end = ends.sort((a, b) => (before(a, b) ? -1 : 1))[0];
    for (const endpointId of published.endpointIds) {
      const acknowledged = entryOf(version.acknowledgements, endpointId);
      const known = acknowledged !== undefined && happened(context, acknowledged) ? acknowledged : undefined;
      const evidence = [published.evidence, ...(known ? [known] : []), ...(end ? [end] : [])];
      const base = {
        kpi: 'standardAwareness' as const,
        itemId: `${version.standardId}@${version.version}/${endpointId}`,
        anchor: published.evidence,
        evidence,
        breakdown: { endpoint: endpointId },
        ...(end ? { deadline: end.at } : {}),
      };
      const endedHow = end?.type === 'StandardRetired' ? { en: 'retired', zh: '废止' } : { en: 'superseded', zh: '被新版本取代' };
      if (known !== undefined && (end === undefined || before(known, end))) {
        items.push(item(context, { ...base, verdict: 'hit', reason: reason(`acknowledged while version ${version.version} was in force`, `第${version.version}版有效期内已确认知晓`) }));
      } else if (end !== undefined) {
        items.push(
          item(context, {
            ...base,
            verdict: 'miss',
            reason: reason(`not acknowledged before the version was ${endedHow.en}`, `该版本${endedHow.zh}前未确认知晓`),
          }),
        );
      } else {
        items.push(item(context, { ...base, verdict: 'pending', reason: reason('not acknowledged yet; the version is still in force', '尚未确认知晓，该版本仍有效') }));
      }
    }
  }
  return items;
};

const appraisalOnTime = (context: Context, facts: KpiFactsState): KpiItem[] =>
  Object.values(facts.appraisals)
    .filter((appraisal) => happened(context, appraisal.planned))
    .map((appraisal) => {
      const due = ms(appraisal.dueBy);
      const completed = appraisal.completed !== undefined && happened(context, appraisal.completed.evidence) ? appraisal.completed.evidence : undefined;
      const base = {
        kpi: 'appraisalOnTime' as const,
        itemId: appraisal.appraisalId,
        anchor: { at: appraisal.dueBy, epochMs: due },
        deadline: appraisal.dueBy,
        evidence: [appraisal.planned, ...(completed ? [completed] : [])],
        breakdown: { employee: appraisal.employeeId },
      };
      if (completed !== undefined && completed.epochMs <= due) {
        return item(context, { ...base, verdict: 'hit', reason: reason('completed by its due date', '在截止时间前完成') });
      }
      if (due > context.asOf) {
        return item(context, { ...base, verdict: 'pending', reason: reason('not completed yet; not due yet', '尚未完成，未到截止时间') });
      }
      return item(context, {
        ...base,
        verdict: 'miss',
        reason: completed ? reason('completed after its due date', '超过截止时间才完成') : reason('not completed by its due date', '截止时间前未完成'),
      });
    });

const staffCompetency = (context: Context, facts: KpiFactsState): KpiItem[] =>
  Object.values(facts.appraisals).flatMap((appraisal) => {
    const completed = appraisal.completed;
    if (completed === undefined || !happened(context, completed.evidence)) return [];
    return [
      item(context, {
        kpi: 'staffCompetency',
        itemId: appraisal.appraisalId,
        anchor: completed.evidence,
        evidence: [completed.evidence],
        breakdown: { employee: appraisal.employeeId },
        verdict: completed.competent ? 'hit' : 'miss',
        reason: completed.competent
          ? reason(`rated ${completed.rating}, competent`, `评级${completed.rating}，胜任`)
          : reason(`rated ${completed.rating}, not competent`, `评级${completed.rating}，不胜任`),
      }),
    ];
  });

const recommendationApproval = (context: Context, facts: KpiFactsState): KpiItem[] =>
  Object.values(facts.appraisals).flatMap((appraisal) =>
    appraisal.decisions
      .map((decision, index) => ({ decision, index }))
      .filter(({ decision }) => happened(context, decision.evidence))
      .map(({ decision, index }) =>
        item(context, {
          kpi: 'recommendationApproval',
          itemId: `${appraisal.appraisalId}/${index + 1}`,
          anchor: decision.evidence,
          evidence: [decision.evidence],
          breakdown: { kind: decision.kind, employee: appraisal.employeeId },
          verdict: decision.approved ? 'hit' : 'miss',
          reason: decision.approved ? reason(`${decision.kind} approved`, `${decision.kind} 获批准`) : reason(`${decision.kind} not approved`, `${decision.kind} 未获批准`),
        }),
      ),
  );

/** spend ≥ floor × amount, exactly: the floor is compared in millionths so that 80% of any fen amount is not rounded. */
const reachesFloor = (spend: number, amount: number, floor: number): boolean =>
  BigInt(spend) * 1_000_000n >= BigInt(Math.round(floor * 1_000_000)) * BigInt(amount);

const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)}%`);

const budgetExecution = (context: Context, facts: KpiFactsState): KpiItem[] =>
  Object.values(facts.budgets).flatMap((budget) => {
    const closed = budget.closed;
    if (closed === undefined || !happened(context, closed.evidence)) return [];
    const { executionFloor } = context.rulesAt(closed.evidence.epochMs);
    return closed.lines.map((line) => {
      const within = line.approvedSpend <= line.amount && reachesFloor(line.approvedSpend, line.amount, executionFloor);
      const spent = `${line.approvedSpend} of ${line.amount} fen (${percent(line.approvedSpend, line.amount)})`;
      const spentZh = `已批准支出${line.approvedSpend}分／预算${line.amount}分（${percent(line.approvedSpend, line.amount)}）`;
      return item(context, {
        kpi: 'budgetExecution',
        itemId: `${budget.budgetId}/${line.category}`,
        anchor: closed.evidence,
        evidence: [closed.evidence],
        breakdown: { category: line.category },
        verdict: within ? 'hit' : 'miss',
        reason: within
          ? reason(`spent ${spent}, within [${executionFloor * 100}%, 100%]`, `${spentZh}，在[${executionFloor * 100}%, 100%]内`)
          : reason(`spent ${spent}, outside [${executionFloor * 100}%, 100%]`, `${spentZh}，不在[${executionFloor * 100}%, 100%]内`),
      });
    });
  });

const costControl = (context: Context, facts: KpiFactsState): KpiItem[] =>
  Object.values(facts.budgets).flatMap((budget) => {
    const closed = budget.closed;
    if (closed === undefined || !happened(context, closed.evidence)) return [];
    return closed.lines.map((line) => {
      const raises = budget.adjustments.filter((adjustment) => adjustment.category === line.category && adjustment.amount > line.originalAmount);
      const base = {
        kpi: 'costControl' as const,
        itemId: `${budget.budgetId}/${line.category}`,
        anchor: closed.evidence,
        evidence: [...raises.map((raise) => raise.evidence), closed.evidence],
        breakdown: { category: line.category },
      };
      if (raises.length === 0) {
        return item(context, { ...base, verdict: 'hit', reason: reason(`never raised above the approved ${line.originalAmount} fen`, `从未调增超过批准额${line.originalAmount}分`) });
      }
      const highest = Math.max(...raises.map((raise) => raise.amount));
      return item(context, {
        ...base,
        verdict: 'miss',
        reason: reason(`raised above the approved ${line.originalAmount} fen to ${highest} fen`, `由批准额${line.originalAmount}分调增至${highest}分`),
      });
    });
  });

const perOrder =
  (judge: (context: Context, order: OrderFacts) => KpiItem | undefined) =>
  (context: Context, facts: KpiFactsState): KpiItem[] =>
    Object.values(facts.orders).flatMap((order) => {
      const judged = judge(context, order);
      return judged === undefined ? [] : [judged];
    });

/** The KPIs whose item id is an order id, so that one item can be judged without judging them all. */
const orderJudges: Partial<Record<KpiId, (context: Context, order: OrderFacts) => KpiItem | undefined>> = {
  timelyReceipt,
  onTimeAccurateRepair,
  finishingCompliance,
  customerSatisfaction,
};

const judges: Readonly<Record<KpiId, (context: Context, facts: KpiFactsState) => KpiItem[]>> = {
  timelyReceipt: perOrder(timelyReceipt),
  onTimeAccurateRepair: perOrder(onTimeAccurateRepair),
  finishingCompliance: perOrder(finishingCompliance),
  customerSatisfaction: perOrder(customerSatisfaction),
  standardExecution,
  assessmentPass,
  standardAwareness,
  appraisalOnTime,
  staffCompetency,
  recommendationApproval,
  budgetExecution,
  costControl,
};

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
};

const toInstant = (asOf: string | Date | undefined): E.Either<string, number> => {
  if (asOf === undefined) return E.right(Date.now());
  const value = asOf instanceof Date ? asOf.getTime() : Date.parse(asOf);
  return Number.isNaN(value) ? E.left(`asOf ${String(asOf)} is not an instant`) : E.right(value);
};

const rate = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

const sortedIds = (items: readonly KpiItem[]): string[] => items.map((one) => one.itemId).sort(compareIds);

const summarise = (kpi: KpiId, period: string, asOf: number, items: readonly KpiItem[]): KpiResult => {
  const counted = items.filter((one) => one.verdict === 'hit' || one.verdict === 'miss');
  const numerator = counted.filter((one) => one.verdict === 'hit').length;
  const denominator = counted.length;
  const result = rate(numerator, denominator);
  const target = kpiTargets[kpi];
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
      const hits = group.filter((one) => one.verdict === 'hit').length;
      putEntry(rows, key, { numerator: hits, denominator: group.length, rate: rate(hits, group.length), missed: sortedIds(group.filter((one) => one.verdict === 'miss')) });
    }
    breakdowns[dimension] = rows;
  }
  return {
    kpi,
    name: kpiNames[kpi],
    period,
    asOf: iso(asOf),
    numerator,
    denominator,
    rate: result,
    target,
    met: result === null ? null : result >= target,
    missed: sortedIds(items.filter((one) => one.verdict === 'miss')),
    pending: sortedIds(items.filter((one) => one.verdict === 'pending')),
    breakdowns,
  };
};

const prepare = (query: KpiQuery): E.Either<string, { period: Period; context: Context; kpis: readonly KpiId[] }> => {
  const period = parsePeriod(query.period);
  if (E.isLeft(period)) return period;
  const asOf = toInstant(query.asOf);
  if (E.isLeft(asOf)) return asOf;
  return E.right({
    period: period.right,
    context: { asOf: asOf.right, rulesAt: rulesResolver(query.config ?? defaultKpiConfig) },
    kpis: query.kpis ?? kpiIds,
  });
};

/** Whether an item's month (already read in its own time zone) is in the period. */
const inPeriod = (period: Period) => (one: KpiItem) => {
  const year = Number(one.month.slice(0, 4));
  if (year !== period.year) return false;
  const month = Number(one.month.slice(5, 7));
  return period.kind === 'year' || (period.kind === 'month' ? month === period.month : Math.ceil(month / 3) === period.quarter);
};

/** Every item of one KPI in a period as of an instant, hits, misses, pending and excluded alike, sorted by id. */
export const kpiItems = (facts: KpiFactsState, kpi: KpiId, query: KpiQuery): E.Either<string, KpiItem[]> => {
  const prepared = prepare(query);
  if (E.isLeft(prepared)) return prepared;
  const { period, context } = prepared.right;
  return E.right(judges[kpi](context, facts).filter(inPeriod(period)).sort((a, b) => compareIds(a.itemId, b.itemId)));
};

/** The twelve completion rates (or those asked for) of a period, as of an instant. */
export const computeKpis = (facts: KpiFactsState, query: KpiQuery): E.Either<string, KpiResult[]> => {
  const prepared = prepare(query);
  if (E.isLeft(prepared)) return prepared;
  const { period, context, kpis } = prepared.right;
  const label = formatPeriod(period);
  return E.right(kpis.map((kpi) => summarise(kpi, label, context.asOf, judges[kpi](context, facts).filter(inPeriod(period)))));
};

/**
 * One item of one KPI, whatever its period: its verdict as of the instant, why, and the events
 * that decided it. Undefined when it is not (yet) an item of that KPI.
 */
export const explainKpiItem = (
  facts: KpiFactsState,
  kpi: KpiId,
  itemId: string,
  options: { readonly asOf?: string | Date; readonly config?: KpiConfig } = {},
): E.Either<string, KpiItem | undefined> => {
  const asOf = toInstant(options.asOf);
  if (E.isLeft(asOf)) return asOf;
  const context: Context = { asOf: asOf.right, rulesAt: rulesResolver(options.config ?? defaultKpiConfig) };
  const judgeOrder = orderJudges[kpi];
  if (judgeOrder !== undefined) {
    const order = entryOf(facts.orders, itemId);
    return E.right(order === undefined ? undefined : judgeOrder(context, order));
  }
  return E.right(judges[kpi](context, facts).find((one) => one.itemId === itemId));
};
