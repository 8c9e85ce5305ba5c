import type { Actor } from '@aftersales/core';
import type { AssignmentCommand } from '../assignment/index.js';
import { commandBuilder } from './state-machine.js';

export const taskId = 'TASK-1';
export const generalManager: Actor = { id: 'GM-1', role: 'GeneralManager' };

/** A raw command as JSON would carry it, for `TASK-1` unless the data says otherwise, sent by the generalManager unless told otherwise. */
export const assignmentCommand = commandBuilder<AssignmentCommand['type']>('taskId', taskId, generalManager);
