import type { AppraisalFacts, EmployeeFacts, JobDescriptionFacts } from '../facts/schema.js';
import { entryOf } from '../facts/records.js';
import type { JudgeContext, KpiItem } from '../kpi-definitions.js';
import { happened, iso, item, ms, reason } from './judging.js';

export const appraisalOnTime = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem | undefined => {
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

export const staffCompetency = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem | undefined => {
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

export const recommendationApproval = (context: JudgeContext, appraisal: AppraisalFacts): KpiItem[] =>
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

/** Leaving reasons that count as turnover; a transfer or a retirement ends employment without it. */
const TURNOVER_REASONS: ReadonlySet<string> = new Set(['resigned', 'dismissed']);

/**
 * One item per stretch of employment. In a period, the stretches that overlap it (employed at its
 * start, or joined during it) are the denominator, and those that ended in the period by a
 * resignation or dismissal are the misses the rate counts; a leaving after the period is not known
 * to it. On its own (item rows, `explain`) a stretch is a miss once it ended in turnover.
 */
export const staffTurnover = (context: JudgeContext, employee: EmployeeFacts): KpiItem[] => {
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
export const jobDescriptionAwareness = (context: JudgeContext, description: JobDescriptionFacts): KpiItem[] => {
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
