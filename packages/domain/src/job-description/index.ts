import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { JobDescriptionCommand, JobDescriptionCommandType } from './commands.js';
import { JobDescriptionCommand as JobDescriptionCommandSchema, jobDescriptionCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { JobDescriptionEvent } from './events.js';
import { JobDescriptionEvent as JobDescriptionEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { JobDescriptionState } from './state.js';
import { initialJobDescriptionState } from './state.js';

export * from './commands.js';
export * from './events.js';
export { HR_DEPARTMENT } from './decide.js';
export type { JobDescriptionRollout, JobDescriptionState, JobDescriptionText, JobDescriptionVersionState, JobDescriptionVersionStatus } from './state.js';
export { approvedVersion, initialJobDescriptionState } from './state.js';

/**
 * Who may send each command (DOMAIN.md's role table). Checked when deciding: an employee confirms
 * only their own job description, and only HR files one.
 */
export const jobDescriptionRoles: Readonly<Record<JobDescriptionCommandType, readonly Role[]>> = {
  DraftJobDescription: ['DepartmentManager'],
  SubmitJobDescription: ['DepartmentManager'],
  ApproveJobDescription: ['GeneralManager'],
  RejectJobDescription: ['GeneralManager'],
  ExplainJobDescription: ['DepartmentManager'],
  ConfirmJobDescription: ['AfterSalesSpecialist'],
  FileJobDescription: ['Department'],
};

export const jobDescriptionDecider: Decider<JobDescriptionCommand, JobDescriptionEvent, JobDescriptionState, DepartmentError> = { initialState: initialJobDescriptionState, decide, evolve };

/** The JobDescription aggregate (岗位职责说明书): written, approved, explained, confirmed by each employee and filed with HR. */
export const jobDescription: AggregateDefinition<JobDescriptionCommand, JobDescriptionEvent, JobDescriptionState> = {
  name: 'JobDescription',
  commandSchema: JobDescriptionCommandSchema,
  eventSchema: JobDescriptionEventSchema,
  commandTypes: jobDescriptionCommandTypes,
  streamId: (command) => `JobDescription-${command.data.positionId}`,
  authorize: authorizeRoles<JobDescriptionCommand>(jobDescriptionRoles),
  decider: jobDescriptionDecider,
};
