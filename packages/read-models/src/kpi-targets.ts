import type { KpiRules } from './config.js';
import type { Dimension, Direction, KpiId } from './kpi-definitions.js';
import { kpiDirections } from './kpi-definitions.js';
import type { Period } from './periods.js';

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
  improvementCompliance: { zh: '改进达标率', en: 'improvements verified on time' },
  suggestionAdoption: { zh: '合理化建议采纳率', en: 'suggestions adopted' },
  delegatedTaskOnTime: { zh: '委派工作完成及时率', en: 'delegated work reported on time' },
  staffTurnover: { zh: '员工流失率', en: 'staff turnover' },
  jobDescriptionAwareness: { zh: '岗位职责知晓率', en: 'job descriptions confirmed' },
  institutionCompleteness: { zh: '完善率', en: 'planned documents published on time' },
};

/** A KPI's target: a rate the KPI's rate must reach (`atLeast`) or stay at or below (`atMost`). */
export interface Threshold {
  readonly direction: Direction;
  readonly rate: number;
}

/**
 * The target of a KPI for a period (DOMAIN.md): 100% at least for most, 50% at least for
 * `suggestionAdoption`, and for `staffTurnover` at most the company's limit for the period's length
 * in the settings in force at the period's start.
 */
export const kpiTarget = (kpi: KpiId, period: Period, rulesAtStart: KpiRules): Threshold => {
  switch (kpi) {
    case 'suggestionAdoption':
      return { direction: 'atLeast', rate: 0.5 };
    case 'staffTurnover':
      return { direction: 'atMost', rate: rulesAtStart.turnoverLimits[period.kind] };
    default:
      return { direction: kpiDirections[kpi], rate: 1 };
  }
};

/** Whether a rate meets a threshold: at or above an `atLeast` target, at or below an `atMost` one. */
export const meetsThreshold = (rate: number, threshold: Threshold): boolean => (threshold.direction === 'atLeast' ? rate >= threshold.rate : rate <= threshold.rate);

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
  improvementCompliance: ['department', 'category'],
  suggestionAdoption: ['department'],
  delegatedTaskOnTime: [],
  staffTurnover: ['position'],
  jobDescriptionAwareness: ['position', 'employee'],
  institutionCompleteness: ['kind'],
};
