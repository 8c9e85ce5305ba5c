import type { RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import type { SubjectKind } from './schema.js';

/**
 * A subject's key: its kind, a slash, and its id (`order/RO-1`, `budget/B-2026`). The kind holds no
 * slash, so the key splits back at its first one however many the id holds.
 */
export const subjectKey = (kind: SubjectKind, id: string): string => `${kind}/${id}`;

/** The id of a compliance inspection or assessment: the version, the endpoint or employee, and the revision that recorded it. */
const recordedItemId = (standardId: string, version: number, who: string, revision: number): string => `${standardId}@${version}/${who}#${revision}`;

/** Which subject an event adds facts to, or undefined when no KPI needs it. */
export const subjectOfEvent = (event: DepartmentEvent, recorded: RecordedEvent): string | undefined => {
  switch (event.type) {
    case 'RepairOrderReceived':
    case 'ReceiptConfirmed':
    case 'RepairScheduled':
    case 'RepairRescheduled':
    case 'RepairCompleted':
    case 'RepairInspected':
    case 'GarmentFinished':
    case 'FinishingInspected':
    case 'FeedbackRecorded':
    case 'RepairOrderCancelled':
      return subjectKey('order', event.data.orderId);
    case 'StandardPlanned':
    case 'StandardPublished':
    case 'StandardSuperseded':
    case 'StandardAcknowledged':
    case 'StandardRetired':
      return subjectKey('standard', event.data.standardId);
    case 'ComplianceInspected':
      return subjectKey('compliance', recordedItemId(event.data.standardId, event.data.version, event.data.endpointId, recorded.revision));
    case 'AssessmentRecorded':
      return subjectKey('assessment', recordedItemId(event.data.standardId, event.data.version, event.data.employeeId, recorded.revision));
    case 'AppraisalPlanned':
    case 'AppraisalCompleted':
    case 'RecommendationDecided':
      return subjectKey('appraisal', event.data.appraisalId);
    case 'BudgetDrafted':
    case 'BudgetApproved':
    case 'LineAdjusted':
    case 'BudgetClosed':
      return subjectKey('budget', event.data.budgetId);
    case 'IssueRaised':
    case 'ImprovementVerified':
    case 'IssueCancelled':
      return subjectKey('improvement', event.data.issueId);
    case 'SuggestionProposed':
    case 'SuggestionDecided':
      return subjectKey('suggestion', event.data.suggestionId);
    case 'TaskDelegated':
    case 'TaskResultReported':
    case 'TaskWithdrawn':
      return subjectKey('assignment', event.data.taskId);
    case 'EmployeeJoined':
    case 'EmployeeLeft':
      return subjectKey('employee', event.data.employeeId);
    case 'JobDescriptionExplained':
    case 'JobDescriptionConfirmed':
      return subjectKey('jobDescription', event.data.positionId);
    case 'RepairStarted':
    case 'GarmentPackaged':
    case 'GarmentReturned':
    case 'ReturnConfirmed':
    case 'RepairOrderClosed':
    case 'StandardDrafted':
    case 'StandardSubmitted':
    case 'StandardApproved':
    case 'StandardRejected':
    case 'TrainingRecorded':
    case 'AppraisalScored':
    case 'RecommendationProposed':
    case 'AppraisalAcknowledged':
    case 'BudgetSubmitted':
    case 'BudgetReviewed':
    case 'ExpenseClaimed':
    case 'ExpenseApproved':
    case 'ExpenseRejected':
    case 'ImprovementRecorded':
    case 'LeaveRequested':
    case 'LeaveDecided':
    case 'CareRecorded':
    case 'JobDescriptionDrafted':
    case 'JobDescriptionSubmitted':
    case 'JobDescriptionApproved':
    case 'JobDescriptionRejected':
    case 'JobDescriptionFiled':
      return undefined;
    default:
      return unreachable(event);
  }
};

const unreachable = (value: never): never => {
  throw new Error(`unhandled event ${JSON.stringify(value)}`);
};
