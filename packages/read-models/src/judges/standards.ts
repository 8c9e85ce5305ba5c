import type { AssessmentFacts, ComplianceFacts, Evidence, StandardFacts } from '../facts/schema.js';
import { entryOf } from '../facts/records.js';
import type { JudgeContext, KpiItem } from '../kpi-definitions.js';
import { before, dueAnchor, happened, iso, item, ms, reason } from './judging.js';

export const standardExecution = (context: JudgeContext, inspection: ComplianceFacts): KpiItem | undefined =>
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

export const assessmentPass = (context: JudgeContext, assessment: AssessmentFacts): KpiItem | undefined =>
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
export const standardAwareness = (context: JudgeContext, standard: StandardFacts): KpiItem[] => {
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

/**
 * One item per planned document version, in the period of its first plan's due date: a hit when that
 * version, or a later one (a rejected draft is redrafted as the next version), was published by then.
 * A document whose standard was retired before the due date, unpublished, was given up: excluded.
 */
export const institutionCompleteness = (context: JudgeContext, standard: StandardFacts): KpiItem[] => {
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
