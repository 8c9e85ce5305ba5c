import type { AggregateDefinition, Decider } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import type { Role } from '../shared/roles.js';
import { authorizeRoles } from '../shared/roles.js';
import type { SuggestionCommand, SuggestionCommandType } from './commands.js';
import { SuggestionCommand as SuggestionCommandSchema, suggestionCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { SuggestionEvent } from './events.js';
import { SuggestionEvent as SuggestionEventSchema } from './events.js';
import { evolve } from './evolve.js';
import type { SuggestionState } from './state.js';
import { initialSuggestionState } from './state.js';

export * from './commands.js';
export * from './events.js';
export type { SuggestionProposal, SuggestionState, SuggestionStatus } from './state.js';
export { initialSuggestionState } from './state.js';

/** Who may send each command (DOMAIN.md's role table); which department decides is checked when deciding. */
export const suggestionRoles: Readonly<Record<SuggestionCommandType, readonly Role[]>> = {
  ProposeSuggestion: ['DepartmentManager'],
  DecideSuggestion: ['Department'],
};

export const suggestionDecider: Decider<SuggestionCommand, SuggestionEvent, SuggestionState, DepartmentError> = { initialState: initialSuggestionState, decide, evolve };

/** The Suggestion aggregate (合理化建议): an improvement the department proposes to another department, adopted or not. */
export const suggestion: AggregateDefinition<SuggestionCommand, SuggestionEvent, SuggestionState> = {
  name: 'Suggestion',
  commandSchema: SuggestionCommandSchema,
  eventSchema: SuggestionEventSchema,
  commandTypes: suggestionCommandTypes,
  streamId: (command) => `Suggestion-${command.data.suggestionId}`,
  authorize: authorizeRoles<SuggestionCommand>(suggestionRoles),
  decider: suggestionDecider,
};
