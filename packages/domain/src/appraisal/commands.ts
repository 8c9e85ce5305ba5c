import { z } from 'zod';
import { commandSchema, formatted, FreeText, freeText, Id, Instant, keyedBy, RequiredText } from '../shared/schemas.js';

/** An appraisal cycle: a year (`2026`), half (`2026-H1`), quarter (`2026-Q3`) or month (`2026-03`). */
export const AppraisalCycle = formatted(
  /^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$/, 'must be a year, half, quarter or month, e.g. 2026, 2026-H1, 2026-Q3, 2026-03',
);

export const Rating = z.enum(['A', 'B', 'C', 'D']);
export type Rating = z.infer<typeof Rating>;

/** What the department manager may recommend to the general manager (人事权). */
export const RecommendationKind = z.enum(['gradeChange', 'transfer', 'hire', 'dismissal', 'reward', 'penalty']);
export type RecommendationKind = z.infer<typeof RecommendationKind>;

/** A criterion of an appraisal, named in the department's words, e.g. 修复质量. */
export const Criterion = freeText({ required: true, max: 100 });

/** Scores per criterion (at most 200 criteria), each on a 0–100 scale. */
export const CriterionScores = keyedBy(Criterion, z.number().min(0, 'must be at least 0').max(100, 'must be at most 100'), {
  min: 1,
  what: 'criterion',
});

export const PlanAppraisal = commandSchema(
  'PlanAppraisal',
  z.strictObject({ appraisalId: Id, employeeId: Id, cycle: AppraisalCycle, dueBy: Instant }),
);
export type PlanAppraisal = z.infer<typeof PlanAppraisal>;

export const ScoreAppraisal = commandSchema(
  'ScoreAppraisal',
  z.strictObject({ appraisalId: Id, scores: CriterionScores, rating: Rating, competent: z.boolean() }),
);
export type ScoreAppraisal = z.infer<typeof ScoreAppraisal>;

export const CompleteAppraisal = commandSchema('CompleteAppraisal', z.strictObject({ appraisalId: Id }));
export type CompleteAppraisal = z.infer<typeof CompleteAppraisal>;

export const ProposeRecommendation = commandSchema(
  'ProposeRecommendation',
  z.strictObject({ appraisalId: Id, kind: RecommendationKind, detail: RequiredText }),
);
export type ProposeRecommendation = z.infer<typeof ProposeRecommendation>;

export const DecideRecommendation = commandSchema(
  'DecideRecommendation',
  z
    .strictObject({ appraisalId: Id, approved: z.boolean(), reason: FreeText })
    // The manager who proposed it needs to know why it was turned down.
    .refine((data) => data.approved || data.reason.trim().length > 0, {
      path: ['reason'],
      message: 'a declined recommendation needs a reason',
    }),
);
export type DecideRecommendation = z.infer<typeof DecideRecommendation>;

export const AcknowledgeAppraisal = commandSchema('AcknowledgeAppraisal', z.strictObject({ appraisalId: Id }));
export type AcknowledgeAppraisal = z.infer<typeof AcknowledgeAppraisal>;

export const AppraisalCommand = z.discriminatedUnion('type', [
  PlanAppraisal,
  ScoreAppraisal,
  CompleteAppraisal,
  ProposeRecommendation,
  DecideRecommendation,
  AcknowledgeAppraisal,
]);
export type AppraisalCommand = z.infer<typeof AppraisalCommand>;
export type AppraisalCommandType = AppraisalCommand['type'];

export const appraisalCommandTypes: readonly AppraisalCommandType[] = AppraisalCommand.options.map(
  (option) => option.shape.type.value,
);
