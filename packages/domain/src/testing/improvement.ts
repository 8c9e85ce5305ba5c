import type { Actor } from '@aftersales/core';
import type { ImprovementCommand } from '../improvement/index.js';
import { commandBuilder } from './state-machine.js';

export const issueId = 'ISS-1';
export const manager: Actor = { id: 'DM-1', role: 'DepartmentManager' };

/** A raw command as JSON would carry it, for `ISS-1` unless the data says otherwise, sent by the manager unless told otherwise. */
export const improvementCommand = commandBuilder<ImprovementCommand['type']>('issueId', issueId, manager);
