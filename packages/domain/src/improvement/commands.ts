import { z } from 'zod';
import { commandSchema, FreeText, Id, Instant, RequiredText } from '../shared/schemas.js';

/** Where a problem was found: customer feedback, the VIP service department's repair opinions, a complaint or an inspection. */
export const IssueSource = z.enum(['feedback', 'vipOpinion', 'complaint', 'inspection']);
export type IssueSource = z.infer<typeof IssueSource>;

/** What kind of problem it is (质量, 时效, 服务, 流程). */
export const IssueCategory = z.enum(['quality', 'timeliness', 'service', 'process', 'other']);
export type IssueCategory = z.infer<typeof IssueCategory>;

export const RaiseIssue = commandSchema(
  'RaiseIssue',
  z.strictObject({
    issueId: Id,
    source: IssueSource,
    /** The repair order the problem was found on, when there is one. */
    orderId: Id.optional(),
    category: IssueCategory,
    description: RequiredText,
    /** The id of the department that must fix it, e.g. `Production`: the one `Department` that may record its improvement. */
    responsibleDepartment: Id,
    dueBy: Instant,
  }),
);
export type RaiseIssue = z.infer<typeof RaiseIssue>;

export const RecordImprovement = commandSchema('RecordImprovement', z.strictObject({ issueId: Id, action: RequiredText }));
export type RecordImprovement = z.infer<typeof RecordImprovement>;

export const VerifyImprovement = commandSchema(
  'VerifyImprovement',
  z
    .strictObject({ issueId: Id, effective: z.boolean(), note: FreeText })
    // The responsible department must learn why its fix did not work before it tries again.
    .refine((data) => data.effective || data.note.length > 0, {
      path: ['note'],
      message: 'an improvement found not effective needs a note saying why',
    }),
);
export type VerifyImprovement = z.infer<typeof VerifyImprovement>;

export const CancelIssue = commandSchema('CancelIssue', z.strictObject({ issueId: Id, reason: RequiredText }));
export type CancelIssue = z.infer<typeof CancelIssue>;

export const ImprovementCommand = z.discriminatedUnion('type', [RaiseIssue, RecordImprovement, VerifyImprovement, CancelIssue]);
export type ImprovementCommand = z.infer<typeof ImprovementCommand>;
export type ImprovementCommandType = ImprovementCommand['type'];

export const improvementCommandTypes: readonly ImprovementCommandType[] = ImprovementCommand.options.map(
  (option) => option.shape.type.value,
);
