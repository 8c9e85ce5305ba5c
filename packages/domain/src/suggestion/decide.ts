import * as E from 'fp-ts/lib/Either.js';
import { forbidden } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import { unreachable } from '../shared/unreachable.js';
import type { DecideSuggestion, SuggestionCommand } from './commands.js';
import type { SuggestionEvent } from './events.js';
import type { SuggestionState } from './state.js';

type Decision = E.Either<DepartmentError, readonly SuggestionEvent[]>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

/** Only the department a suggestion was sent to decides it, and only once. */
const decideSuggestion = (command: DecideSuggestion, state: SuggestionState): Decision => {
  const { suggestionId, adopted, reason } = command.data;
  if (state.status === 'New') return refuse(`DecideSuggestion refused: suggestion ${suggestionId} has not been proposed`);
  const { actor } = command.metadata;
  if (actor.id !== state.toDepartment) {
    return E.left(
      forbidden(
        `DecideSuggestion refused: suggestion ${suggestionId} was sent to ${state.toDepartment}; department ${actor.id} may decide only suggestions sent to it`,
      ),
    );
  }
  if (state.status === 'Decided') {
    return refuse(`DecideSuggestion refused: suggestion ${suggestionId} is already Decided (${state.adopted ? 'adopted' : 'not adopted'}); expected Proposed`);
  }
  return E.right([{ type: 'SuggestionDecided', data: { suggestionId, toDepartment: state.toDepartment, adopted, reason } }]);
};

/** Decides a command against a suggestion's state: the events it produces, or why it is refused. */
export const decide = (command: SuggestionCommand, state: SuggestionState): Decision => {
  switch (command.type) {
    case 'ProposeSuggestion':
      return state.status === 'New'
        ? E.right([{ type: 'SuggestionProposed', data: command.data }])
        : refuse(`ProposeSuggestion refused: suggestion ${command.data.suggestionId} is ${state.status}; expected New`);
    case 'DecideSuggestion':
      return decideSuggestion(command, state);
    default:
      return unreachable(command);
  }
};
