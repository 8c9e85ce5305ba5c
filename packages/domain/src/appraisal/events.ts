import { z } from 'zod';
import { eventSchema } from '../shared/schemas.js';
import { Rating, RecommendationKind } from './commands.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.
const AppraisalId = z.string().min(1);

export const AppraisalPlanned = eventSchema(
  'AppraisalPlanned',
  z.object({ appraisalId: AppraisalId, employeeId: z.string(), cycle: z.string(), dueBy: z.string() }),
);
export type AppraisalPlanned = z.infer<typeof AppraisalPlanned>;

export const AppraisalScored = eventSchema(
  'AppraisalScored',
  z.object({ appraisalId: AppraisalId, scores: z.record(z.string(), z.number()), rating: Rating, competent: z.boolean() }),
);
export type AppraisalScored = z.infer<typeof AppraisalScored>;

export const AppraisalCompleted = eventSchema(
  'AppraisalCompleted',
  z.object({ appraisalId: AppraisalId, employeeId: z.string(), rating: Rating, competent: z.boolean() }),
);
export type AppraisalCompleted = z.infer<typeof AppraisalCompleted>;

export const RecommendationProposed = eventSchema(
  'RecommendationProposed',
  z.object({ appraisalId: AppraisalId, kind: RecommendationKind, detail: z.string() }),
);
export type RecommendationProposed = z.infer<typeof RecommendationProposed>;

export const RecommendationDecided = eventSchema(
  'RecommendationDecided',
  z.object({ appraisalId: AppraisalId, kind: RecommendationKind, approved: z.boolean(), reason: z.string() }),
);
export type RecommendationDecided = z.infer<typeof RecommendationDecided>;

export const AppraisalAcknowledged = eventSchema(
  'AppraisalAcknowledged',
  z.object({ appraisalId: AppraisalId, employeeId: z.string() }),
);
export type AppraisalAcknowledged = z.infer<typeof AppraisalAcknowledged>;

export const AppraisalEvent = z.discriminatedUnion('type', [
  AppraisalPlanned,
  AppraisalScored,
  AppraisalCompleted,
  RecommendationProposed,
  RecommendationDecided,
  AppraisalAcknowledged,
]);
export type AppraisalEvent = z.infer<typeof AppraisalEvent>;
export type AppraisalEventType = AppraisalEvent['type'];

export const appraisalEventTypes: readonly AppraisalEventType[] = AppraisalEvent.options.map((option) => option.shape.type.value);
