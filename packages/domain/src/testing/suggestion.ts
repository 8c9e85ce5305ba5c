import type { Actor } from '@aftersales/core';
import type { SuggestionCommand } from '../suggestion/index.js';
import { commandBuilder } from './state-machine.js';

export const suggestionId = 'SUG-1';
export const manager: Actor = { id: 'DM-1', role: 'DepartmentManager' };

/** A raw command as JSON would carry it, for `SUG-1` unless the data says otherwise, sent by the manager unless told otherwise. */
export const suggestionCommand = commandBuilder<SuggestionCommand['type']>('suggestionId', suggestionId, manager);
