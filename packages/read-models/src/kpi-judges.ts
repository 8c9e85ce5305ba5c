import type { SubjectFacts, SubjectKind } from './facts/schema.js';
import { budgetExecution, costControl } from './judges/budgets.js';
import { delegatedTaskOnTime, improvementCompliance, suggestionAdoption } from './judges/follow-up.js';
import { customerSatisfaction, finishingCompliance, onTimeAccurateRepair, timelyReceipt } from './judges/orders.js';
import { appraisalOnTime, jobDescriptionAwareness, recommendationApproval, staffCompetency, staffTurnover } from './judges/people.js';
import { assessmentPass, institutionCompleteness, standardAwareness, standardExecution } from './judges/standards.js';
import type { JudgeContext, KpiId, KpiItem } from './kpi-definitions.js';
import { kpiIds, kpiSubjectKinds } from './kpi-definitions.js';

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
