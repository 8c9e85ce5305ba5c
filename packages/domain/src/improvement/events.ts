import { z } from 'zod';
import { eventSchema, StoredId, StoredInstant, StoredText } from '../shared/schemas.js';
import { IssueCategory, IssueSource } from './commands.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.

export const IssueRaised = eventSchema(
  'IssueRaised',
  z.object({
    issueId: StoredId,
    source: IssueSource,
    orderId: StoredId.optional(),
    category: IssueCategory,
    description: StoredText,
    responsibleDepartment: StoredId,
    dueBy: StoredInstant,
  }),
);
export type IssueRaised = z.infer<typeof IssueRaised>;

/** The responsible department (or the manager for it) says what it did; the issue now waits for verification. */
export const ImprovementRecorded = eventSchema(
  'ImprovementRecorded',
  z.object({ issueId: StoredId, action: StoredText, responsibleDepartment: StoredId }),
);
export type ImprovementRecorded = z.infer<typeof ImprovementRecorded>;

/** The manager's verdict on the recorded improvement: effective closes the issue, not effective reopens it. */
export const ImprovementVerified = eventSchema(
  'ImprovementVerified',
  z.object({ issueId: StoredId, effective: z.boolean(), note: StoredText }),
);
export type ImprovementVerified = z.infer<typeof ImprovementVerified>;

export const IssueCancelled = eventSchema('IssueCancelled', z.object({ issueId: StoredId, reason: StoredText }));
export type IssueCancelled = z.infer<typeof IssueCancelled>;

export const ImprovementEvent = z.discriminatedUnion('type', [IssueRaised, ImprovementRecorded, ImprovementVerified, IssueCancelled]);
export type ImprovementEvent = z.infer<typeof ImprovementEvent>;
export type ImprovementEventType = ImprovementEvent['type'];

export const improvementEventTypes: readonly ImprovementEventType[] = ImprovementEvent.options.map((option) => option.shape.type.value);
