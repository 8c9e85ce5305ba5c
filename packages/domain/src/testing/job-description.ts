import type { Actor } from '@aftersales/core';
import type { JobDescriptionCommand } from '../job-description/index.js';
import { commandBuilder } from './state-machine.js';

export const positionId = 'AfterSalesSpecialist';
export const manager: Actor = { id: 'DM-1', role: 'DepartmentManager' };

/** A raw command as JSON would carry it, for `AfterSalesSpecialist` unless the data says otherwise, sent by the manager unless told otherwise. */
export const jobDescriptionCommand = commandBuilder<JobDescriptionCommand['type']>('positionId', positionId, manager);
