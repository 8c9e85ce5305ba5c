import type { RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import { entryOf, putEntry } from './records.js';
import type { Evidence, JobDescriptionFacts, JobDescriptionVersionFacts, StandardFacts, StandardVersionFacts, SubjectFacts } from './schema.js';

/** The evidence of an event. */
export const evidenceOf = (recorded: RecordedEvent): Evidence => ({
  type: recorded.type,
  at: recorded.metadata.occurredAt,
  epochMs: Date.parse(recorded.metadata.occurredAt),
  streamId: recorded.streamId,
  revision: recorded.revision,
  position: recorded.globalPosition.toString(),
});

const versionOf = (facts: StandardFacts, version: number): StandardVersionFacts => {
  const key = String(version);
  const existing = entryOf(facts.versions, key);
  if (existing !== undefined) return existing;
  const created: StandardVersionFacts = { version, plans: [], acknowledgements: {} };
  putEntry(facts.versions, key, created);
  return created;
};

const emptyStandard = (standardId: string): StandardFacts => ({ kind: 'standard', standardId, versions: {} });

const jobDescriptionVersionOf = (facts: JobDescriptionFacts, version: number): JobDescriptionVersionFacts => {
  const key = String(version);
  const existing = entryOf(facts.versions, key);
  if (existing !== undefined) return existing;
  const created: JobDescriptionVersionFacts = { version, explanations: {}, confirmations: {} };
  putEntry(facts.versions, key, created);
  return created;
};

/**
 * Adds one event to its subject's facts: the facts as they were (undefined for a subject not seen
 * yet), updated in place, or created. Undefined when the event names a subject whose first event is
 * missing (facts of an order never received are dropped, as the KPIs have no item for it).
 */
export const applyToSubject = (facts: SubjectFacts | undefined, event: DepartmentEvent, recorded: RecordedEvent): SubjectFacts | undefined => {
  const evidence = evidenceOf(recorded);
  const order = facts?.kind === 'order' ? facts : undefined;
  const appraisal = facts?.kind === 'appraisal' ? facts : undefined;
  const budget = facts?.kind === 'budget' ? facts : undefined;
  const issue = facts?.kind === 'improvement' ? facts : undefined;
  const suggestion = facts?.kind === 'suggestion' ? facts : undefined;
  const task = facts?.kind === 'assignment' ? facts : undefined;
  const employee = facts?.kind === 'employee' ? facts : undefined;
  switch (event.type) {
    case 'RepairOrderReceived':
      return {
        kind: 'order',
        orderId: event.data.orderId,
        endpointId: event.data.endpointId,
        received: evidence,
        confirmations: [],
        promises: [],
        completions: [],
        repairInspections: [],
        finishes: [],
        finishingInspections: [],
      };
    case 'ReceiptConfirmed':
      order?.confirmations.push(evidence);
      return order;
    case 'RepairScheduled':
      order?.promises.push({ evidence, promisedBy: event.data.promisedBy, specialistId: event.data.specialistId });
      return order;
    case 'RepairRescheduled':
      order?.promises.push({ evidence, promisedBy: event.data.promisedBy, specialistId: order.promises.at(-1)?.specialistId ?? '' });
      return order;
    case 'RepairCompleted':
      order?.completions.push({ evidence, specialistId: event.data.specialistId });
      return order;
    case 'RepairInspected':
      order?.repairInspections.push({ evidence, passed: event.data.passed, attempt: event.data.attempt });
      return order;
    case 'GarmentFinished':
      order?.finishes.push({ evidence, specialistId: recorded.metadata.actor.id });
      return order;
    case 'FinishingInspected':
      order?.finishingInspections.push({ evidence, passed: event.data.passed, attempt: event.data.attempt });
      return order;
    case 'FeedbackRecorded':
      if (order !== undefined) order.feedback = { evidence, satisfied: event.data.satisfied };
      return order;
    case 'RepairOrderCancelled':
      if (order !== undefined) order.cancelled = evidence;
      return order;
    case 'StandardPlanned': {
      const standard = facts?.kind === 'standard' ? facts : emptyStandard(event.data.standardId);
      versionOf(standard, event.data.version).plans.push({ evidence, kind: event.data.kind, dueBy: event.data.dueBy });
      return standard;
    }
    case 'StandardPublished': {
      const standard = facts?.kind === 'standard' ? facts : emptyStandard(event.data.standardId);
      versionOf(standard, event.data.version).published = { evidence, endpointIds: [...event.data.endpointIds] };
      return standard;
    }
    case 'StandardSuperseded': {
      const standard = facts?.kind === 'standard' ? facts : emptyStandard(event.data.standardId);
      versionOf(standard, event.data.version).superseded = { evidence, supersededBy: event.data.supersededBy };
      return standard;
    }
    case 'StandardAcknowledged': {
      const standard = facts?.kind === 'standard' ? facts : emptyStandard(event.data.standardId);
      const version = versionOf(standard, event.data.version);
      if (entryOf(version.acknowledgements, event.data.endpointId) === undefined) putEntry(version.acknowledgements, event.data.endpointId, evidence);
      return standard;
    }
    case 'StandardRetired': {
      if (facts?.kind !== 'standard') return facts;
      facts.retired ??= evidence;
      for (const version of Object.values(facts.versions)) {
        if (version.published !== undefined && version.superseded === undefined && version.retired === undefined) version.retired = evidence;
      }
      return facts;
    }
    case 'ComplianceInspected':
      return { kind: 'compliance', evidence, ...event.data, findings: [...event.data.findings] };
    case 'AssessmentRecorded':
      return { kind: 'assessment', evidence, ...event.data };
    case 'AppraisalPlanned':
      return {
        kind: 'appraisal',
        appraisalId: event.data.appraisalId,
        employeeId: event.data.employeeId,
        cycle: event.data.cycle,
        dueBy: event.data.dueBy,
        planned: evidence,
        decisions: [],
      };
    case 'AppraisalCompleted':
      if (appraisal !== undefined) appraisal.completed = { evidence, rating: event.data.rating, competent: event.data.competent };
      return appraisal;
    case 'RecommendationDecided':
      appraisal?.decisions.push({ evidence, kind: event.data.kind, approved: event.data.approved });
      return appraisal;
    case 'BudgetDrafted':
      return budget ?? { kind: 'budget', budgetId: event.data.budgetId, fiscalYear: event.data.fiscalYear, approvedLines: {}, adjustments: [] };
    case 'BudgetApproved': {
      if (budget === undefined) return undefined;
      budget.approvedLines = {};
      for (const line of event.data.lines) putEntry(budget.approvedLines, line.category, line.amount);
      return budget;
    }
    case 'LineAdjusted':
      budget?.adjustments.push({ evidence, category: event.data.category, previousAmount: event.data.previousAmount, amount: event.data.amount });
      return budget;
    case 'BudgetClosed':
      if (budget !== undefined) budget.closed = { evidence, lines: event.data.lines.map((line) => ({ ...line })) };
      return budget;
    case 'IssueRaised':
      return {
        kind: 'improvement',
        issueId: event.data.issueId,
        source: event.data.source,
        category: event.data.category,
        responsibleDepartment: event.data.responsibleDepartment,
        dueBy: event.data.dueBy,
        raised: evidence,
        verifications: [],
      };
    case 'ImprovementVerified':
      issue?.verifications.push({ evidence, effective: event.data.effective });
      return issue;
    case 'IssueCancelled':
      if (issue !== undefined) issue.cancelled ??= evidence;
      return issue;
    case 'SuggestionProposed':
      return { kind: 'suggestion', suggestionId: event.data.suggestionId, toDepartment: event.data.toDepartment, proposed: evidence };
    case 'SuggestionDecided':
      if (suggestion !== undefined) suggestion.decided ??= { evidence, adopted: event.data.adopted };
      return suggestion;
    case 'TaskDelegated':
      return { kind: 'assignment', taskId: event.data.taskId, delegatedBy: event.data.delegatedBy, dueBy: event.data.dueBy, delegated: evidence };
    case 'TaskResultReported':
      if (task !== undefined) task.reported ??= evidence;
      return task;
    case 'TaskWithdrawn':
      if (task !== undefined) task.withdrawn ??= evidence;
      return task;
    case 'EmployeeJoined': {
      const joined = employee ?? { kind: 'employee' as const, employeeId: event.data.employeeId, spells: [] };
      joined.spells.push({ joined: evidence, position: event.data.position });
      return joined;
    }
    case 'EmployeeLeft': {
      const spell = employee?.spells.at(-1);
      if (spell !== undefined && spell.left === undefined) spell.left = { evidence, reason: event.data.reason };
      return employee;
    }
    case 'JobDescriptionExplained': {
      const description: JobDescriptionFacts = facts?.kind === 'jobDescription' ? facts : { kind: 'jobDescription', positionId: event.data.positionId, versions: {} };
      const version = jobDescriptionVersionOf(description, event.data.version);
      for (const employeeId of event.data.employeeIds) if (entryOf(version.explanations, employeeId) === undefined) putEntry(version.explanations, employeeId, evidence);
      return description;
    }
    case 'JobDescriptionConfirmed': {
      if (facts?.kind !== 'jobDescription') return facts;
      const version = jobDescriptionVersionOf(facts, event.data.version);
      if (entryOf(version.confirmations, event.data.employeeId) === undefined) putEntry(version.confirmations, event.data.employeeId, evidence);
      return facts;
    }
    default:
      return facts;
  }
};
