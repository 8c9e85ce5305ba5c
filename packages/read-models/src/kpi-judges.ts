import type { KpiRules } from './config.js';
import type { AppraisalFacts, AssessmentFacts, BudgetFacts, ComplianceFacts, Evidence, InspectionFact, OrderFacts, StandardFacts, SubjectFacts, SubjectKind } from './kpi-facts.js';
import { entryOf } from './kpi-facts.js';
import { formatPeriod, localDateOf } from './periods.js';

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
};

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
}

const ms = (instant: string): number => Date.parse(instant);
const happened = (context: JudgeContext, evidence: Evidence): boolean => evidence.epochMs <= context.asOf;
const iso = (epochMs: number): string => new Date(epochMs).toISOString();
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders events by business time, then by log order, as an auditor would read them. */
const positionBefore = (a: string, b: string): boolean => (a.length === b.length ? a < b : a.length < b.length);
const before = (a: Evidence, b: Evidence): boolean => a.epochMs < b.epochMs || (a.epochMs === b.epochMs && positionBefore(a.position, b.position));

/** The instant that places an item in a period. */
type Anchor = Pick<Evidence, 'at' | 'epochMs'>;

const item = (context: JudgeContext, fields: Omit<KpiItem, 'month' | 'timeZone' | 'periodAnchor'> & { readonly anchor: Anchor }): KpiItem => {
  const { anchor, ...rest } = fields;
  const { timeZone } = context.rulesAt(anchor.epochMs);
  const { year, month } = localDateOf(anchor.epochMs, timeZone);
  return { ...rest, periodAnchor: anchor.at, month: formatPeriod({ kind: 'month', year, month }), timeZone };
};

const reason = (en: string, zh: string): Reason => ({ en, zh });

const timelyReceipt = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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
  if (deadline > context.deadlineClock) {
    return item(context, { ...base, verdict: 'pending', reason: reason('not yet confirmed and scheduled; the deadline has not passed', '尚未确认并排期，时限未到'), evidence });
  }
  const late = [!confirmedInTime ? 'confirmation' : undefined, !scheduledInTime ? 'schedule' : undefined].filter((part) => part !== undefined);
  const lateZh = [!confirmedInTime ? '确认接收' : undefined, !scheduledInTime ? '排期' : undefined].filter((part) => part !== undefined);
  return item(context, { ...base, verdict: 'miss', reason: reason(`no ${late.join(' and ')} by the deadline`, `时限内未完成${lateZh.join('和')}`), evidence });
};

/** An item of a "passed first time" KPI: the first passed inspection as of the instant, and every inspection before it. */
const firstPass = (context: JudgeContext, inspections: readonly InspectionFact[]) => {
  const known = inspections.filter((inspection) => happened(context, inspection.evidence));
  const passingIndex = known.findIndex((inspection) => inspection.passed);
  if (passingIndex < 0) return undefined;
  const passing = known[passingIndex]!;
  return { passing, firstTime: passingIndex === 0 && passing.attempt === 1, tried: known.slice(0, passingIndex + 1) };
};

const onTimeAccurateRepair = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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
    onTime
      ? undefined
      : { en: promise ? `passed after the promise in force (${promise.promisedBy})` : 'had no promise in force', zh: promise ? `通过时间晚于承诺时间（${promise.promisedBy}）` : '无有效承诺时间' },
  ].filter((part) => part !== undefined);
  return item(context, { ...base, verdict: 'miss', reason: reason(why.map((part) => part.en).join('; '), why.map((part) => part.zh).join('；')) });
};

const finishingCompliance = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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

const customerSatisfaction = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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

const standardExecution = (context: JudgeContext, inspection: ComplianceFacts): KpiItem | undefined =>
  !happened(context, inspection.evidence)
    ? undefined
    : item(context, {
        kpi: 'standardExecution',
        itemId: `${inspection.standardId}@${inspection.version}/${inspection.endpointId}#${inspection.evidence.revision}`,
        anchor: inspection.evidence,
        evidence: [inspection.evidence],
        breakdown: { endpoint: inspection.endpointId },
        verdict: inspection.compliant ? 'hit' : 'miss',
        reason: inspection.compliant
          ? reason('found compliant', '检查合规')
          : reason(`not compliant: ${inspection.findings.join('; ') || 'no findings given'}`, `检查不合规：${inspection.findings.join('；') || '未列明问题'}`),
      });

const assessmentPass = (context: JudgeContext, assessment: AssessmentFacts): KpiItem | undefined =>
  !happened(context, assessment.evidence)
    ? undefined
    : item(context, {
        kpi: 'assessmentPass',
        itemId: `${assessment.standardId}@${assessment.version}/${assessment.employeeId}#${assessment.evidence.revision}`,
        anchor: assessment.evidence,
        evidence: [assessment.evidence],
        breakdown: { endpoint: assessment.endpointId, employee: assessment.employeeId },
        verdict: assessment.passed ? 'hit' : 'miss',
        reason: assessment.passed
          ? reason(`passed: ${assessment.score} against a pass mark of ${assessment.passMark}`, `通过：${assessment.score}分（及格线${assessment.passMark}分）`)
          : reason(`failed: ${assessment.score} against a pass mark of ${assessment.passMark}`, `未通过：${assessment.score}分（及格线${assessment.passMark}分）`),
      });

/**
 * One item per (endpoint, published version). Its deadline is the publication plus the
 * acknowledgement window, or the moment the version stopped being in force (superseded or the
 * standard retired) if that came first; an acknowledgement at the deadline itself still counts.
 */
const standardAwareness = (context: JudgeContext, standard: StandardFacts): KpiItem[] => {
  const items: KpiItem[] = [];
  for (const version of Object.values(standard.versions)) {
    const published = version.published;
    if (published === undefined || !happened(context, published.evidence)) continue;
    const { acknowledgementWindowDays } = context.rulesAt(published.evidence.epochMs);
    const windowEnds = published.evidence.epochMs + acknowledgementWindowDays * 86_400_000;
    const ends = [version.superseded?.evidence, version.retired].filter((end): end is Evidence => end !== undefined && happened(context, end));
    const end = ends.sort((a, b) => (before(a, b) ? -1 : 1))[0];
    const endedFirst = end !== undefined && end.epochMs < windowEnds ? end : undefined;
    const deadline = endedFirst?.epochMs ?? windowEnds;
    for (const endpointId of published.endpointIds) {
      const acknowledged = entryOf(version.acknowledgements, endpointId);
      const known = acknowledged !== undefined && happened(context, acknowledged) ? acknowledged : undefined;
      const evidence = [published.evidence, ...(known ? [known] : []), ...(endedFirst ? [endedFirst] : [])];
      const base = {
        kpi: 'standardAwareness' as const,
        itemId: `${standard.standardId}@${version.version}/${endpointId}`,
        anchor: published.evidence,
        evidence,
        breakdown: { endpoint: endpointId },
        deadline: iso(deadline),
      };
      if (known !== undefined && known.epochMs <= deadline) {
        items.push(item(context, { ...base, verdict: 'hit', reason: reason(`acknowledged version ${version.version} by its deadline`, `第${version.version}版在时限内已确认知晓`) }));
      } else if (endedFirst === undefined && deadline > context.deadlineClock && known === undefined) {
        items.push(item(context, { ...base, verdict: 'pending', reason: reason('not acknowledged yet; the deadline has not passed', '尚未确认知晓，时限未到') }));
      } else if (endedFirst !== undefined && endedFirst.type === 'StandardRetired') {
        items.push(item(context, { ...base, verdict: 'miss', reason: reason('not acknowledged before the standard was retired', '标准废止前未确认知晓') }));
      } else if (endedFirst !== undefined) {
        items.push(item(context, { ...base, verdict: 'miss', reason: reason('not acknowledged before the version was superseded', '该版本被新版本取代前未确认知晓') }));
      } else {
        items.push(item(context, { ...base, verdict: 'miss', reason: reason(`not acknowledged within ${acknowledgementWindowDays} days of publication`, `发布后${acknowledgementWindowDays}天内未确认知晓`) }));
      }
    }
  }
  return items;
};

const appraisalOnTime = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem | undefined => {
  if (!happened(context, appraisal.planned)) return undefined;
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
  if (due > context.deadlineClock && completed === undefined) {
    return item(context, { ...base, verdict: 'pending', reason: reason('not completed yet; not due yet', '尚未完成，未到截止时间') });
  }
  return item(context, {
    ...base,
    verdict: 'miss',
    reason: completed ? reason('completed after its due date', '超过截止时间才完成') : reason('not completed by its due date', '截止时间前未完成'),
  });
};

const staffCompetency = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem | undefined => {
  const completed = appraisal.completed;
  if (completed === undefined || !happened(context, completed.evidence)) return undefined;
  return item(context, {
    kpi: 'staffCompetency',
    itemId: appraisal.appraisalId,
    anchor: completed.evidence,
    evidence: [completed.evidence],
    breakdown: { employee: appraisal.employeeId },
    verdict: completed.competent ? 'hit' : 'miss',
    reason: completed.competent
      ? reason(`rated ${completed.rating}, competent`, `评级${completed.rating}，胜任`)
      : reason(`rated ${completed.rating}, not competent`, `评级${completed.rating}，不胜任`),
  });
};

const recommendationApproval = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem[] =>
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
    );

/** spend ≥ floor × amount, exactly: the floor is compared in millionths so that 80% of any fen amount is not rounded. */
const reachesFloor = (spend: number, amount: number, floor: number): boolean =>
  BigInt(spend) * 1_000_000n >= BigInt(Math.round(floor * 1_000_000)) * BigInt(amount);

const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)}%`);

const budgetExecution = (context: JudgeContext, budget: BudgetFacts): KpiItem[] => {
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
};

const costControl = (context: JudgeContext, budget: BudgetFacts): KpiItem[] => {
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
};

const one = (judged: KpiItem | undefined): KpiItem[] => (judged === undefined ? [] : [judged]);

/** Every item a subject gives to one KPI, as the context knows it. */
export const judgeSubject = (context: JudgeContext, kpi: KpiId, subject: SubjectFacts): KpiItem[] => {
  switch (subject.kind) {
    case 'order':
      switch (kpi) {
        case 'timelyReceipt':
          return one(timelyReceipt(context, subject));
        case 'onTimeAccurateRepair':
          return one(onTimeAccurateRepair(context, subject));
        case 'finishingCompliance':
          return one(finishingCompliance(context, subject));
        case 'customerSatisfaction':
          return one(customerSatisfaction(context, subject));
        default:
          return [];
      }
    case 'compliance':
      return kpi === 'standardExecution' ? one(standardExecution(context, subject)) : [];
    case 'assessment':
      return kpi === 'assessmentPass' ? one(assessmentPass(context, subject)) : [];
    case 'standard':
      return kpi === 'standardAwareness' ? standardAwareness(context, subject) : [];
    case 'appraisal':
      switch (kpi) {
        case 'appraisalOnTime':
          return one(appraisalOnTime(context, subject));
        case 'staffCompetency':
          return one(staffCompetency(context, subject));
        case 'recommendationApproval':
          return recommendationApproval(context, subject);
        default:
          return [];
      }
    case 'budget':
      switch (kpi) {
        case 'budgetExecution':
          return budgetExecution(context, subject);
        case 'costControl':
          return costControl(context, subject);
        default:
          return [];
      }
  }
};

/** The KPIs whose items a kind of subject gives. */
export const kpisOfSubject = (kind: SubjectKind): readonly KpiId[] => kpiIds.filter((kpi) => kpiSubjectKinds[kpi] === kind);
