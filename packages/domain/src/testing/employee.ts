import type { Actor } from '@aftersales/core';
import type { EmployeeCommand } from '../employee/index.js';
import { commandBuilder } from './state-machine.js';

export const employeeId = 'SP-7';
export const manager: Actor = { id: 'DM-1', role: 'DepartmentManager' };

/** A raw command as JSON would carry it, for `SP-7` unless the data says otherwise, sent by the manager unless told otherwise. */
export const employeeCommand = commandBuilder<EmployeeCommand['type']>('employeeId', employeeId, manager);
