import type { AssignmentFacts, ImprovementFacts, SuggestionFacts } from '../facts/schema.js';
import type { JudgeContext, KpiItem } from '../kpi-definitions.js';
import { dueAnchor, happened, item, ms, reason } from './judging.js';

/**
 * An issue not cancelled before its due date, in the period of that date: a hit when an
 * improvement was verified effective by then. A cancellation at or after the due date leaves it a
 * miss, as a cancelled order after its receipt deadline stays an item.
 */
export const improvementCompliance = (context: JudgeContext, issue: ImprovementFacts): KpiItem | undefined => {
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

export const suggestionAdoption = (context: JudgeContext, suggestion: SuggestionFacts): KpiItem | undefined => {
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
export const delegatedTaskOnTime = (context: JudgeContext, task: AssignmentFacts): KpiItem | undefined => {
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
