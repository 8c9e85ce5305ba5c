import type { KpiRules } from './config.js';
import type {
  AppraisalFacts,
  AssessmentFacts,
  AssignmentFacts,
  BudgetFacts,
  ComplianceFacts,
  EmployeeFacts,
  Evidence,
  ImprovementFacts,
  InspectionFact,
  JobDescriptionFacts,
  OrderFacts,
  StandardFacts,
  SubjectFacts,
  SubjectKind,
  SuggestionFacts,
} from './kpi-facts.js';
import { entryOf } from './kpi-facts.js';
import { formatPeriod, localDateOf } from './periods.js';

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

/** The instant of a due date, as an anchor. */
const dueAnchor = (dueBy: string): Anchor => ({ at: dueBy, epochMs: ms(dueBy) });

/**
 * An issue not cancelled before its due date, in the period of that date: a hit when an
 * improvement was verified effective by then. A cancellation at or after the due date leaves it a
 * miss, as a cancelled order after its receipt deadline stays an item.
 */
const improvementCompliance = (context: JudgeContext, issue: ImprovementFacts): KpiItem | undefined => {
  if (!happened(context, issue.raised)) return undefined;
  const due = ms(issue.dueBy);
  const verifications = issue.verifications.filter((verification) => happened(context, verification.evidence));
  const effective = verifications.find((verification) => verification.effective)?.evidence;
  const cancelled = issue.cancelled !== undefined && happened(context, issue.cancelled) ? issue.cancelled : undefined;
  const evidence = [issue.raised, ...verifications.map((verification) => verification.evidence), ...(cancelled ? [cancelled] : [])];
  const base = {
    kpi: 'improvementCompliance' as const,
    itemId: issue.issueId,
    anchor: dueAnchor(issue.dueBy),
    deadline: issue.dueBy,
    evidence,
    breakdown: { department: issue.responsibleDepartment, category: issue.category },
  };
  if (cancelled !== undefined && cancelled.epochMs < due) {
    return item(context, { ...base, verdict: 'excluded', reason: reason('cancelled before its due date', '在截止时间前已取消') });
  }
  if (effective !== undefined && effective.epochMs <= due) {
    return item(context, { ...base, verdict: 'hit', reason: reason('the improvement was verified effective by the due date', '在截止时间前整改经验证有效') });
  }
  if (effective === undefined && cancelled === undefined && due > context.deadlineClock) {
    return item(context, { ...base, verdict: 'pending', reason: reason('not verified effective yet; not due yet', '整改尚未验证有效，未到截止时间') });
  }
  const ineffective = verifications.filter((verification) => !verification.effective && verification.evidence.epochMs <= due).length;
  if (effective !== undefined) return item(context, { ...base, verdict: 'miss', reason: reason('verified effective only after the due date', '超过截止时间才验证有效') });
  if (cancelled !== undefined) return item(context, { ...base, verdict: 'miss', reason: reason('cancelled after its due date, not fixed by then', '截止时间后才取消，截止前未整改到位') });
  return item(context, {
    ...base,
    verdict: 'miss',
    reason:
      ineffective > 0
        ? reason(`not fixed by the due date: ${ineffective} improvement(s) verified not effective`, `截止时间前未整改到位：${ineffective}次整改验证无效`)
        : reason('no improvement verified effective by the due date', '截止时间前无经验证有效的整改'),
  });
};

const suggestionAdoption = (context: JudgeContext, suggestion: SuggestionFacts): KpiItem | undefined => {
  const decided = suggestion.decided;
  if (decided === undefined || !happened(context, decided.evidence)) return undefined;
  return item(context, {
    kpi: 'suggestionAdoption',
    itemId: suggestion.suggestionId,
    anchor: decided.evidence,
    evidence: [suggestion.proposed, decided.evidence],
    breakdown: { department: suggestion.toDepartment },
    verdict: decided.adopted ? 'hit' : 'miss',
    reason: decided.adopted ? reason(`adopted by ${suggestion.toDepartment}`, `${suggestion.toDepartment} 已采纳`) : reason(`not adopted by ${suggestion.toDepartment}`, `${suggestion.toDepartment} 未采纳`),
  });
};

/** A delegated task not withdrawn before its due date, in the period of that date: a hit when its result was reported by then. */
const delegatedTaskOnTime = (context: JudgeContext, task: AssignmentFacts): KpiItem | undefined => {
  if (!happened(context, task.delegated)) return undefined;
  const due = ms(task.dueBy);
  const reported = task.reported !== undefined && happened(context, task.reported) ? task.reported : undefined;
  const withdrawn = task.withdrawn !== undefined && happened(context, task.withdrawn) ? task.withdrawn : undefined;
  const base = {
    kpi: 'delegatedTaskOnTime' as const,
    itemId: task.taskId,
    anchor: dueAnchor(task.dueBy),
    deadline: task.dueBy,
    evidence: [task.delegated, ...(reported ? [reported] : []), ...(withdrawn ? [withdrawn] : [])],
    breakdown: {},
  };
  if (withdrawn !== undefined && withdrawn.epochMs < due) {
    return item(context, { ...base, verdict: 'excluded', reason: reason('withdrawn before its due date', '在截止时间前已撤回') });
  }
  if (reported !== undefined && reported.epochMs <= due) {
    return item(context, { ...base, verdict: 'hit', reason: reason('the result was reported by the due date', '在截止时间前已汇报结果') });
  }
  if (reported === undefined && withdrawn === undefined && due > context.deadlineClock) {
    return item(context, { ...base, verdict: 'pending', reason: reason('no result reported yet; not due yet', '尚未汇报结果，未到截止时间') });
  }
  if (reported !== undefined) return item(context, { ...base, verdict: 'miss', reason: reason('the result was reported after the due date', '超过截止时间才汇报结果') });
  if (withdrawn !== undefined) return item(context, { ...base, verdict: 'miss', reason: reason('withdrawn after its due date, with no result by then', '截止时间后才撤回，截止前未汇报结果') });
  return item(context, { ...base, verdict: 'miss', reason: reason('no result reported by the due date', '截止时间前未汇报结果') });
};

/** Leaving reasons that count as turnover; a transfer or a retirement ends employment without it. */
const TURNOVER_REASONS: ReadonlySet<string> = new Set(['resigned', 'dismissed']);

/**
 * One item per stretch of employment. In a period, the stretches that overlap it (employed at its
 * start, or joined during it) are the denominator, and those that ended in the period by a
 * resignation or dismissal are the misses the rate counts; a leaving after the period is not known
 * to it. On its own (item rows, `explain`) a stretch is a miss once it ended in turnover.
 */
const staffTurnover = (context: JudgeContext, employee: EmployeeFacts): KpiItem[] => {
  const items: KpiItem[] = [];
  const known = Math.min(context.asOf, context.period === undefined ? Number.POSITIVE_INFINITY : context.period.to - 1);
  for (const spell of employee.spells) {
    if (!happened(context, spell.joined)) continue;
    if (context.period !== undefined && spell.joined.epochMs >= context.period.to) continue;
    const left = spell.left !== undefined && spell.left.evidence.epochMs <= known ? spell.left : undefined;
    if (context.period !== undefined && left !== undefined && left.evidence.epochMs < context.period.from) continue;
    const base = {
      kpi: 'staffTurnover' as const,
      itemId: `${employee.employeeId}#${spell.joined.revision}`,
      anchor: spell.joined,
      evidence: [spell.joined, ...(left ? [left.evidence] : [])],
      breakdown: { position: spell.position, employee: employee.employeeId },
    };
    if (left === undefined) {
      items.push(item(context, { ...base, verdict: 'hit', reason: reason(`employed as ${spell.position}`, `在职（${spell.position}）`) }));
    } else if (TURNOVER_REASONS.has(left.reason)) {
      const zh = left.reason === 'resigned' ? '辞职' : '辞退';
      items.push(item(context, { ...base, verdict: 'miss', reason: reason(`left the department: ${left.reason}`, `已离职：${zh}`) }));
    } else {
      const zh = left.reason === 'transferred' ? '调任' : left.reason === 'retired' ? '退休' : left.reason;
      items.push(item(context, { ...base, verdict: 'hit', reason: reason(`left the department (${left.reason}), which is not turnover`, `已离开本部门（${zh}），不计入流失`) }));
    }
  }
  return items;
};

/**
 * One item per (employee, explained version of a position's description). The deadline is the
 * first explanation that named the employee plus the job-description window in force then.
 */
const jobDescriptionAwareness = (context: JudgeContext, description: JobDescriptionFacts): KpiItem[] => {
  const items: KpiItem[] = [];
  for (const version of Object.values(description.versions)) {
    for (const [employeeId, explained] of Object.entries(version.explanations)) {
      if (!happened(context, explained)) continue;
      const { jobDescriptionWindowDays } = context.rulesAt(explained.epochMs);
      const deadline = explained.epochMs + jobDescriptionWindowDays * 86_400_000;
      const confirmation = entryOf(version.confirmations, employeeId);
      const confirmed = confirmation !== undefined && happened(context, confirmation) ? confirmation : undefined;
      const base = {
        kpi: 'jobDescriptionAwareness' as const,
        itemId: `${description.positionId}@${version.version}/${employeeId}`,
        anchor: explained,
        deadline: iso(deadline),
        evidence: [explained, ...(confirmed ? [confirmed] : [])],
        breakdown: { position: description.positionId, employee: employeeId },
      };
      if (confirmed !== undefined && confirmed.epochMs <= deadline) {
        items.push(item(context, { ...base, verdict: 'hit', reason: reason(`confirmed version ${version.version} by its deadline`, `第${version.version}版在时限内已确认`) }));
      } else if (confirmed === undefined && deadline > context.deadlineClock) {
        items.push(item(context, { ...base, verdict: 'pending', reason: reason('not confirmed yet; the deadline has not passed', '尚未确认，时限未到') }));
      } else {
        items.push(
          item(context, {
            ...base,
            verdict: 'miss',
            reason: confirmed
              ? reason(`confirmed more than ${jobDescriptionWindowDays} days after the explanation`, `讲解后超过${jobDescriptionWindowDays}天才确认`)
              : reason(`not confirmed within ${jobDescriptionWindowDays} days of the explanation`, `讲解后${jobDescriptionWindowDays}天内未确认`),
          }),
        );
      }
    }
  }
  return items;
};

/**
 * One item per planned document version, in the period of its first plan's due date: a hit when that
 * version, or a later one (a rejected draft is redrafted as the next version), was published by then.
 * A document whose standard was retired before the due date, unpublished, was given up: excluded.
 */
const institutionCompleteness = (context: JudgeContext, standard: StandardFacts): KpiItem[] => {
  const items: KpiItem[] = [];
  const versions = Object.values(standard.versions);
  for (const version of versions) {
    const plan = version.plans[0];
    if (plan === undefined || !happened(context, plan.evidence)) continue;
    const due = ms(plan.dueBy);
    const publications = versions
      .filter((other) => other.version >= version.version && other.published !== undefined && happened(context, other.published.evidence))
      .map((other) => ({ version: other.version, evidence: other.published!.evidence }))
      .sort((a, b) => (before(a.evidence, b.evidence) ? -1 : 1));
    const published = publications[0];
    const retired = standard.retired !== undefined && happened(context, standard.retired) ? standard.retired : undefined;
    const base = {
      kpi: 'institutionCompleteness' as const,
      itemId: `${standard.standardId}@${version.version}`,
      anchor: dueAnchor(plan.dueBy),
      deadline: plan.dueBy,
      evidence: [plan.evidence, ...(published ? [published.evidence] : []), ...(retired && published === undefined ? [retired] : [])],
      breakdown: { kind: plan.kind },
    };
    const which = published === undefined || published.version === version.version ? '' : ` (as version ${published.version})`;
    const whichZh = published === undefined || published.version === version.version ? '' : `（以第${published.version}版）`;
    if (published !== undefined && published.evidence.epochMs <= due) {
      items.push(item(context, { ...base, verdict: 'hit', reason: reason(`published by its due date${which}`, `在截止时间前已发布${whichZh}`) }));
    } else if (published === undefined && retired !== undefined && retired.epochMs < due) {
      items.push(item(context, { ...base, verdict: 'excluded', reason: reason('the document was retired before its due date, unpublished', '截止时间前文件已废止，未发布') }));
    } else if (published === undefined && due > context.deadlineClock) {
      items.push(item(context, { ...base, verdict: 'pending', reason: reason('not published yet; not due yet', '尚未发布，未到截止时间') }));
    } else {
      items.push(
        item(context, {
          ...base,
          verdict: 'miss',
          reason: published ? reason(`published after its due date${which}`, `超过截止时间才发布${whichZh}`) : reason('not published by its due date', '截止时间前未发布'),
        }),
      );
    }
  }
  return items;
};

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
      switch (kpi) {
        case 'standardAwareness':
          return standardAwareness(context, subject);
        case 'institutionCompleteness':
          return institutionCompleteness(context, subject);
        default:
          return [];
      }
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
    case 'improvement':
      return kpi === 'improvementCompliance' ? one(improvementCompliance(context, subject)) : [];
    case 'suggestion':
      return kpi === 'suggestionAdoption' ? one(suggestionAdoption(context, subject)) : [];
    case 'assignment':
      return kpi === 'delegatedTaskOnTime' ? one(delegatedTaskOnTime(context, subject)) : [];
    case 'employee':
      return kpi === 'staffTurnover' ? staffTurnover(context, subject) : [];
    case 'jobDescription':
      return kpi === 'jobDescriptionAwareness' ? jobDescriptionAwareness(context, subject) : [];
  }
};

/** The KPIs whose items a kind of subject gives. */
export const kpisOfSubject = (kind: SubjectKind): readonly KpiId[] => kpiIds.filter((kpi) => kpiSubjectKinds[kpi] === kind);
