import type { Actor } from '@aftersales/core';
import type { SuggestionCommand } from '../suggestion/index.js';
import type { CommandMetadataOptions } from './state-machine.js';
import { rawCommand } from './state-machine.js';

export const suggestionId = 'SUG-1';
export const manager: Actor = { id: 'DM-1', role: 'DepartmentManager' };

/** A raw command as JSON would carry it, for `SUG-1` unless the data says otherwise, sent by the manager unless told otherwise. */
export const suggestionCommand = (
  type: SuggestionCommand['type'],
  data: Record<string, unknown> = {},
  actor: Actor = manager,
  metadata: CommandMetadataOptions = {},
) => rawCommand(type, { suggestionId, ...data }, actor, metadata);
