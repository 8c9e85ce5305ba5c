import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { AssignmentCommand, AssignmentCommandType } from './commands.js';
import { AssignmentCommand as AssignmentCommandSchema, assignmentCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { AssignmentEvent } from './events.js';
import { AssignmentEvent as AssignmentEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { AssignmentState } from './state.js';
import { initialAssignmentState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { AssignmentState, AssignmentStatus, DelegatedTask } from './state.js';
export { initialAssignmentState } from './state.js';

/** Who may send each command (DOMAIN.md's role table); that only the delegator withdraws is checked when deciding. */
export const assignmentRoles: Readonly<Record<AssignmentCommandType, readonly Role[]>> = {
  DelegateTask: ['GeneralManager'],
  ReportTaskResult: ['DepartmentManager'],
  WithdrawTask: ['GeneralManager'],
};

export const assignmentDecider: Decider<AssignmentCommand, AssignmentEvent, AssignmentState, DepartmentError> = { initialState: initialAssignmentState, decide, evolve };

/** The Assignment aggregate (委派工作): work the general manager delegates, reported back once. */
export const assignment: AggregateDefinition<AssignmentCommand, AssignmentEvent, AssignmentState> = {
  name: 'Assignment',
  commandSchema: AssignmentCommandSchema,
  eventSchema: AssignmentEventSchema,
  commandTypes: assignmentCommandTypes,
  streamId: (command) => `Assignment-${command.data.taskId}`,
  authorize: authorizeRoles<AssignmentCommand>(assignmentRoles),
  decider: assignmentDecider,
};
