import { z } from 'zod';
import { eventSchema, StoredId, StoredInstant, StoredText } from '../shared/schemas.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.

/** `delegatedBy` is the general manager who delegated it: the one who may withdraw it and to whom the result goes. */
export const TaskDelegated = eventSchema(
  'TaskDelegated',
  z.object({ taskId: StoredId, title: StoredText, detail: StoredText, dueBy: StoredInstant, delegatedBy: StoredId }),
);
export type TaskDelegated = z.infer<typeof TaskDelegated>;

export const TaskResultReported = eventSchema(
  'TaskResultReported',
  z.object({ taskId: StoredId, result: StoredText, reportedTo: StoredId }),
);
export type TaskResultReported = z.infer<typeof TaskResultReported>;

export const TaskWithdrawn = eventSchema('TaskWithdrawn', z.object({ taskId: StoredId, reason: StoredText }));
export type TaskWithdrawn = z.infer<typeof TaskWithdrawn>;

export const AssignmentEvent = z.discriminatedUnion('type', [TaskDelegated, TaskResultReported, TaskWithdrawn]);
export type AssignmentEvent = z.infer<typeof AssignmentEvent>;
export type AssignmentEventType = AssignmentEvent['type'];

export const assignmentEventTypes: readonly AssignmentEventType[] = AssignmentEvent.options.map((option) => option.shape.type.value);
