import { z } from 'zod';
import { putEntry } from './records.js';

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

/** Decodes a stored subject; a row that does not decode is reported, never guessed at. */
export const decodeSubject = (stored: unknown): { readonly ok: true; readonly facts: SubjectFacts } | { readonly ok: false; readonly problem: string } => {
  const parsed = SubjectFacts.safeParse(stored);
  return parsed.success
    ? { ok: true, facts: parsed.data }
    : { ok: false, problem: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ') };
};
