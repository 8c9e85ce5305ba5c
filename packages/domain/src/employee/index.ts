import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { EmployeeCommand, EmployeeCommandType } from './commands.js';
import { EmployeeCommand as EmployeeCommandSchema, employeeCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { EmployeeEvent } from './events.js';
import { EmployeeEvent as EmployeeEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { EmployeeState } from './state.js';
import { initialEmployeeState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { EmployeeState, EmployeeStatus, EmploymentRecord, Leave } from './state.js';
export { initialEmployeeState } from './state.js';

/**
 * Who may send each command (DOMAIN.md's role table). Checked when deciding: an employee requests
 * leave only for themselves, and who decides a leave depends on its length.
 */
export const employeeRoles: Readonly<Record<EmployeeCommandType, readonly Role[]>> = {
  JoinDepartment: ['DepartmentManager'],
  LeaveDepartment: ['DepartmentManager'],
  RequestLeave: ['AfterSalesSpecialist'],
  DecideLeave: ['DepartmentManager', 'GeneralManager'],
  RecordCare: ['DepartmentManager'],
};

export const employeeDecider: Decider<EmployeeCommand, EmployeeEvent, EmployeeState, DepartmentError> = { initialState: initialEmployeeState, decide, evolve };

/** The Employee aggregate (员工): who works in the department, their leave and the care they receive. */
export const employee: AggregateDefinition<EmployeeCommand, EmployeeEvent, EmployeeState> = {
  name: 'Employee',
  commandSchema: EmployeeCommandSchema,
  eventSchema: EmployeeEventSchema,
  commandTypes: employeeCommandTypes,
  streamId: (command) => `Employee-${command.data.employeeId}`,
  authorize: authorizeRoles<EmployeeCommand>(employeeRoles),
  decider: employeeDecider,
};
