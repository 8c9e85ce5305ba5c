import type { InspectionFact, OrderFacts } from '../facts/schema.js';
import type { JudgeContext, KpiItem } from '../kpi-definitions.js';
import { before, happened, iso, item, ms, reason } from './judging.js';

export const timelyReceipt = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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

export const onTimeAccurateRepair = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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

export const finishingCompliance = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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

export const customerSatisfaction = (context: JudgeContext, order: OrderFacts): KpiItem | undefined => {
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
