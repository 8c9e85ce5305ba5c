import type { RecordedEvent } from '@aftersales/core';
import type { DepartmentEvent } from '@aftersales/domain';
import { z } from 'zod';
import type { Decoded } from './decode.js';
import { decodeDepartmentEvent } from './decode.js';

/**
 * Reads and writes a record by an id taken from event data. Ids are free text, and `__proto__` as a
 * plain property key would reach the prototype instead of an entry, so entries are own properties.
 */
export const entryOf = <V>(record: Readonly<Record<string, V>>, key: string): V | undefined => (Object.hasOwn(record, key) ? record[key] : undefined);
export const putEntry = <V>(record: Record<string, V>, key: string, value: V): void => {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
};

/** `z.record` of string keys that keeps every own key, `__proto__` included, as `putEntry` writes them. */
const ownRecord = <V extends z.ZodType>(value: V) =>
  z
    .custom<Record<string, unknown>>((input) => typeof input === 'object' && input !== null && !Array.isArray(input), 'expected an object')
    .transform((input, context) => {
      const output: Record<string, z.output<V>> = {};
      for (const key of Object.keys(input)) {
        const parsed = value.safeParse(input[key]);
        if (parsed.success) putEntry(output, key, parsed.data);
        else for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', message: issue.message, path: [key, ...issue.path] });
      }
      return output;
    });

/** Where a fact came from: the event's type, business time, stream, revision and global position. */
export const Evidence = z.object({
  type: z.string(),
  at: z.string(),
  /** `at` as milliseconds since the epoch, parsed once: KPI queries compare times of every item. */
  epochMs: z.number(),
  streamId: z.string(),
  revision: z.number().int().nonnegative(),
  position: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

const Inspection = z.object({ evidence: Evidence, passed: z.boolean(), attempt: z.number().int().positive() });
export type InspectionFact = z.infer<typeof Inspection>;

const Promise_ = z.object({ evidence: Evidence, promisedBy: z.string(), specialistId: z.string() });
export type PromiseFact = z.infer<typeof Promise_>;

export const OrderFacts = z.object({
  kind: z.literal('order'),
  orderId: z.string(),
  endpointId: z.string(),
  received: Evidence,
  confirmations: z.array(Evidence),
  /** Every schedule and reschedule in order: the promise in force at an instant is the last one set by then. */
  promises: z.array(Promise_),
  completions: z.array(z.object({ evidence: Evidence, specialistId: z.string() })),
  repairInspections: z.array(Inspection),
  finishes: z.array(z.object({ evidence: Evidence, specialistId: z.string() })),
  finishingInspections: z.array(Inspection),
  feedback: z.object({ evidence: Evidence, satisfied: z.boolean() }).optional(),
  cancelled: Evidence.optional(),
});
export type OrderFacts = z.infer<typeof OrderFacts>;

/** A plan to have a version of a document (standard, rule, process or tool) published by `dueBy`. */
const PlanFact = z.object({ evidence: Evidence, kind: z.string(), dueBy: z.string() });
export type PlanFact = z.infer<typeof PlanFact>;

export const StandardVersionFacts = z.object({
  version: z.number().int().positive(),
  /** Every plan of this version in order; the first one is the commitment `institutionCompleteness` judges. */
  plans: z.array(PlanFact).default([]),
  published: z.object({ evidence: Evidence, endpointIds: z.array(z.string()) }).optional(),
  superseded: z.object({ evidence: Evidence, supersededBy: z.number().int() }).optional(),
  /** When the standard was retired while this version was the published one. */
  retired: Evidence.optional(),
  acknowledgements: ownRecord(Evidence),
});
export type StandardVersionFacts = z.infer<typeof StandardVersionFacts>;

/** A standard and its published versions: retiring a standard ends whichever version is in force. */
export const StandardFacts = z.object({
  kind: z.literal('standard'),
  standardId: z.string(),
  /** By version number, as a decimal string. */
  versions: ownRecord(StandardVersionFacts),
  /** When the standard was retired, whatever was published then. */
  retired: Evidence.optional(),
});
export type StandardFacts = z.infer<typeof StandardFacts>;

export const ComplianceFacts = z.object({
  kind: z.literal('compliance'),
  evidence: Evidence,
  standardId: z.string(),
  version: z.number().int(),
  endpointId: z.string(),
  compliant: z.boolean(),
  findings: z.array(z.string()),
});
export type ComplianceFacts = z.infer<typeof ComplianceFacts>;

export const AssessmentFacts = z.object({
  kind: z.literal('assessment'),
  evidence: Evidence,
  standardId: z.string(),
  version: z.number().int(),
  endpointId: z.string(),
  employeeId: z.string(),
  score: z.number(),
  passMark: z.number(),
  passed: z.boolean(),
});
export type AssessmentFacts = z.infer<typeof AssessmentFacts>;

export const AppraisalFacts = z.object({
  kind: z.literal('appraisal'),
  appraisalId: z.string(),
  employeeId: z.string(),
  cycle: z.string(),
  dueBy: z.string(),
  planned: Evidence,
  completed: z.object({ evidence: Evidence, rating: z.string(), competent: z.boolean() }).optional(),
  decisions: z.array(z.object({ evidence: Evidence, kind: z.string(), approved: z.boolean() })),
});
export type AppraisalFacts = z.infer<typeof AppraisalFacts>;

export const BudgetFacts = z.object({
  kind: z.literal('budget'),
  budgetId: z.string(),
  fiscalYear: z.number().int(),
  /** The line amounts as the general manager approved them. */
  approvedLines: ownRecord(z.number()),
  adjustments: z.array(z.object({ evidence: Evidence, category: z.string(), previousAmount: z.number(), amount: z.number() })),
  closed: z
    .object({
      evidence: Evidence,
      lines: z.array(z.object({ category: z.string(), originalAmount: z.number(), amount: z.number(), approvedSpend: z.number() })),
    })
    .optional(),
});
export type BudgetFacts = z.infer<typeof BudgetFacts>;

export const ImprovementFacts = z.object({
  kind: z.literal('improvement'),
  issueId: z.string(),
  source: z.string(),
  category: z.string(),
  responsibleDepartment: z.string(),
  dueBy: z.string(),
  raised: Evidence,
  /** Every verification in order; an effective one closes the issue. */
  verifications: z.array(z.object({ evidence: Evidence, effective: z.boolean() })),
  cancelled: Evidence.optional(),
});
export type ImprovementFacts = z.infer<typeof ImprovementFacts>;

export const SuggestionFacts = z.object({
  kind: z.literal('suggestion'),
  suggestionId: z.string(),
  toDepartment: z.string(),
  proposed: Evidence,
  decided: z.object({ evidence: Evidence, adopted: z.boolean() }).optional(),
});
export type SuggestionFacts = z.infer<typeof SuggestionFacts>;

export const AssignmentFacts = z.object({
  kind: z.literal('assignment'),
  taskId: z.string(),
  delegatedBy: z.string(),
  dueBy: z.string(),
  delegated: Evidence,
  reported: Evidence.optional(),
  withdrawn: Evidence.optional(),
});
export type AssignmentFacts = z.infer<typeof AssignmentFacts>;

/** One stretch of employment, from joining to leaving (or still employed). */
const SpellFact = z.object({
  joined: Evidence,
  position: z.string(),
  left: z.object({ evidence: Evidence, reason: z.string() }).optional(),
});
export type SpellFact = z.infer<typeof SpellFact>;

/** An employee's joinings and leavings; the name is personal data and no KPI needs it, so it is not kept. */
export const EmployeeFacts = z.object({
  kind: z.literal('employee'),
  employeeId: z.string(),
  spells: z.array(SpellFact),
});
export type EmployeeFacts = z.infer<typeof EmployeeFacts>;

export const JobDescriptionVersionFacts = z.object({
  version: z.number().int().positive(),
  /** By employee id: the first explanation that named them, which starts their window to confirm. */
  explanations: ownRecord(Evidence),
  /** By employee id: their confirmation. */
  confirmations: ownRecord(Evidence),
});
export type JobDescriptionVersionFacts = z.infer<typeof JobDescriptionVersionFacts>;

export const JobDescriptionFacts = z.object({
  kind: z.literal('jobDescription'),
  positionId: z.string(),
  /** By version number, as a decimal string. */
  versions: ownRecord(JobDescriptionVersionFacts),
});
export type JobDescriptionFacts = z.infer<typeof JobDescriptionFacts>;

/**
 * The facts of one subject of the KPIs: an order, a standard, a compliance inspection, an assessment,
 * an appraisal, a budget, an improvement issue, a suggestion, a delegated task, an employee or a
 * position's job description. Every KPI item is judged from the facts of one subject alone, so a read
 * model keeps one row per subject and judges only the subjects a query needs.
 */
export const SubjectFacts = z.discriminatedUnion('kind', [
  OrderFacts,
  StandardFacts,
  ComplianceFacts,
  AssessmentFacts,
  AppraisalFacts,
  BudgetFacts,
  ImprovementFacts,
  SuggestionFacts,
  AssignmentFacts,
  EmployeeFacts,
  JobDescriptionFacts,
]);
export type SubjectFacts = z.infer<typeof SubjectFacts>;
export type SubjectKind = SubjectFacts['kind'];

/** A department event that did not decode: left out of every KPI and listed so that nobody misses it. */
export const UndecodableEvent = z.object({ evidence: Evidence, problem: z.string() });
export type UndecodableEvent = z.infer<typeof UndecodableEvent>;

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

/**
 * The KPI facts of a whole log in memory: every subject by key, and the department events that did
 * not decode. The reference every stored read model is checked against, and what `report` folds.
 */
export interface KpiFacts {
  readonly subjects: Map<string, SubjectFacts>;
  readonly undecodable: UndecodableEvent[];
  /** The global position of the last event folded. */
  position: bigint | undefined;
}

export const emptyKpiFacts = (): KpiFacts => ({ subjects: new Map(), undecodable: [], position: undefined });

/** The streams whose events the KPIs read. */
export const KPI_STREAM_PREFIXES: readonly string[] = [
  'RepairOrder-',
  'ServiceStandard-',
  'Appraisal-',
  'Budget-',
  'Improvement-',
  'Suggestion-',
  'Assignment-',
  'Employee-',
  'JobDescription-',
];

/**
 * What one decoded event does to the KPI facts: the subject it updates, or the undecodable entry it
 * adds. Decoding happens once, by the caller, and serves the audit trail too.
 */
export type KpiEffect =
  | { readonly kind: 'none' }
  | { readonly kind: 'subject'; readonly key: string; readonly event: DepartmentEvent }
  | { readonly kind: 'undecodable'; readonly entry: UndecodableEvent };

export const kpiEffectOf = (recorded: RecordedEvent, decoded: Decoded): KpiEffect => {
  if (!KPI_STREAM_PREFIXES.some((prefix) => recorded.streamId.startsWith(prefix))) return { kind: 'none' };
  if (decoded.kind === 'foreign') return { kind: 'none' };
  if (decoded.kind === 'undecodable') return { kind: 'undecodable', entry: { evidence: evidenceOf(recorded), problem: decoded.problem } };
  const key = subjectOfEvent(decoded.event, recorded);
  return key === undefined ? { kind: 'none' } : { kind: 'subject', key, event: decoded.event };
};

/**
 * Folds one event into facts held in memory, in place. An event at or before the facts' position is
 * ignored, so redelivery changes nothing.
 */
export const foldKpiFacts = (facts: KpiFacts, recorded: RecordedEvent, decoded: Decoded = decodeDepartmentEvent(recorded)): KpiFacts => {
  if (facts.position !== undefined && recorded.globalPosition <= facts.position) return facts;
  facts.position = recorded.globalPosition;
  const effect = kpiEffectOf(recorded, decoded);
  if (effect.kind === 'undecodable') facts.undecodable.push(effect.entry);
  if (effect.kind === 'subject') {
    const updated = applyToSubject(facts.subjects.get(effect.key), effect.event, recorded);
    if (updated !== undefined) facts.subjects.set(effect.key, updated);
  }
  return facts;
};

/** Decodes a stored subject; a row that does not decode is reported, never guessed at. */
export const decodeSubject = (stored: unknown): { readonly ok: true; readonly facts: SubjectFacts } | { readonly ok: false; readonly problem: string } => {
  const parsed = SubjectFacts.safeParse(stored);
  return parsed.success
    ? { ok: true, facts: parsed.data }
    : { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ') };
};
