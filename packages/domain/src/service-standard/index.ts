import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { ServiceStandardCommand, ServiceStandardCommandType } from './commands.js';
import { ServiceStandardCommand as ServiceStandardCommandSchema, serviceStandardCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { ServiceStandardEvent } from './events.js';
import { ServiceStandardEvent as ServiceStandardEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { ServiceStandardState } from './state.js';
import { initialServiceStandardState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { Distribution, ServiceStandardState, StandardVersionState, StandardVersionStatus, VersionText } from './state.js';
export { initialServiceStandardState, publishedVersion } from './state.js';

/** Who may send each command (DOMAIN.md's role table); identity rules are checked when deciding. */
export const serviceStandardRoles: Readonly<Record<ServiceStandardCommandType, readonly Role[]>> = {
  DraftStandard: ['DepartmentManager'],
  SubmitStandard: ['DepartmentManager'],
  ApproveStandard: ['GeneralManager'],
  RejectStandard: ['GeneralManager'],
  PublishStandard: ['DepartmentManager'],
  AcknowledgeStandard: ['BusinessEndpoint'],
  RecordTraining: ['DepartmentManager'],
  RecordAssessment: ['DepartmentManager'],
  InspectCompliance: ['DepartmentManager'],
  RetireStandard: ['DepartmentManager'],
};

export const serviceStandardDecider: Decider<ServiceStandardCommand, ServiceStandardEvent, ServiceStandardState, DepartmentError> = { initialState: initialServiceStandardState, decide, evolve };

/** The ServiceStandard aggregate (售后服务标准): versioned standards, published to endpoints one at a time. */
export const serviceStandard: AggregateDefinition<ServiceStandardCommand, ServiceStandardEvent, ServiceStandardState> = {
  name: 'ServiceStandard',
  commandSchema: ServiceStandardCommandSchema,
  eventSchema: ServiceStandardEventSchema,
  commandTypes: serviceStandardCommandTypes,
  streamId: (command) => `ServiceStandard-${command.data.standardId}`,
  authorize: authorizeRoles<ServiceStandardCommand>(serviceStandardRoles),
  decider: serviceStandardDecider,
};
