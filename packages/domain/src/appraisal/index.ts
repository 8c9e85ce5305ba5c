import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { AppraisalCommand, AppraisalCommandType } from './commands.js';
import { AppraisalCommand as AppraisalCommandSchema, appraisalCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { AppraisalEvent } from './events.js';
import { AppraisalEvent as AppraisalEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { AppraisalState } from './state.js';
import { initialAppraisalState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { AppraisalState, AppraisalStatus, OpenRecommendation, Plan as AppraisalPlan, Result as AppraisalResult } from './state.js';
export { initialAppraisalState } from './state.js';

/** Who may send each command (DOMAIN.md's role table); the employee's own acknowledgement is checked when deciding. */
export const appraisalRoles: Readonly<Record<AppraisalCommandType, readonly Role[]>> = {
  PlanAppraisal: ['DepartmentManager'],
  ScoreAppraisal: ['DepartmentManager'],
  CompleteAppraisal: ['DepartmentManager'],
  ProposeRecommendation: ['DepartmentManager'],
  DecideRecommendation: ['GeneralManager'],
  AcknowledgeAppraisal: ['AfterSalesSpecialist'],
};

export const appraisalDecider: Decider<AppraisalCommand, AppraisalEvent, AppraisalState, DepartmentError> = { initialState: initialAppraisalState, decide, evolve };

/** The Appraisal aggregate (绩效考核): plan, score, complete, recommend, acknowledge. */
export const appraisal: AggregateDefinition<AppraisalCommand, AppraisalEvent, AppraisalState> = {
  name: 'Appraisal',
  commandSchema: AppraisalCommandSchema,
  eventSchema: AppraisalEventSchema,
  commandTypes: appraisalCommandTypes,
  streamId: (command) => `Appraisal-${command.data.appraisalId}`,
  authorize: authorizeRoles<AppraisalCommand>(appraisalRoles),
  decider: appraisalDecider,
};
