import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { ImprovementCommand, ImprovementCommandType } from './commands.js';
import { ImprovementCommand as ImprovementCommandSchema, improvementCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { ImprovementEvent } from './events.js';
import { ImprovementEvent as ImprovementEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { ImprovementState } from './state.js';
import { initialImprovementState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { ImprovementIssue, ImprovementState, ImprovementStatus } from './state.js';
export { initialImprovementState } from './state.js';

/** Who may send each command (DOMAIN.md's role table); which department may act on an issue is checked when deciding. */
export const improvementRoles: Readonly<Record<ImprovementCommandType, readonly Role[]>> = {
  RaiseIssue: ['DepartmentManager', 'BusinessEndpoint'],
  RecordImprovement: ['Department', 'DepartmentManager'],
  VerifyImprovement: ['DepartmentManager'],
  CancelIssue: ['DepartmentManager'],
};

export const improvementDecider: Decider<ImprovementCommand, ImprovementEvent, ImprovementState, DepartmentError> = { initialState: initialImprovementState, decide, evolve };

/** The Improvement aggregate (问题改进): a problem found in feedback, opinions, complaints or inspections, followed until its fix is verified. */
export const improvement: AggregateDefinition<ImprovementCommand, ImprovementEvent, ImprovementState> = {
  name: 'Improvement',
  commandSchema: ImprovementCommandSchema,
  eventSchema: ImprovementEventSchema,
  commandTypes: improvementCommandTypes,
  streamId: (command) => `Improvement-${command.data.issueId}`,
  authorize: authorizeRoles<ImprovementCommand>(improvementRoles),
  decider: improvementDecider,
};
