import { z } from 'zod';
import { commandSchema, Id, Instant, RequiredText } from '../shared/schemas.js';

export const DelegateTask = commandSchema(
  'DelegateTask',
  z.strictObject({ taskId: Id, title: RequiredText, detail: RequiredText, dueBy: Instant }),
);
export type DelegateTask = z.infer<typeof DelegateTask>;

export const ReportTaskResult = commandSchema('ReportTaskResult', z.strictObject({ taskId: Id, result: RequiredText }));
export type ReportTaskResult = z.infer<typeof ReportTaskResult>;

export const WithdrawTask = commandSchema('WithdrawTask', z.strictObject({ taskId: Id, reason: RequiredText }));
export type WithdrawTask = z.infer<typeof WithdrawTask>;

export const AssignmentCommand = z.discriminatedUnion('type', [DelegateTask, ReportTaskResult, WithdrawTask]);
export type AssignmentCommand = z.infer<typeof AssignmentCommand>;
export type AssignmentCommandType = AssignmentCommand['type'];

export const assignmentCommandTypes: readonly AssignmentCommandType[] = AssignmentCommand.options.map(
  (option) => option.shape.type.value,
);
