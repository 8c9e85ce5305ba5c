import { unreachable } from '../shared/unreachable.js';
import type { SuggestionEvent } from './events.js';
import type { SuggestionState } from './state.js';

export const evolve = (state: SuggestionState, event: SuggestionEvent): SuggestionState => {
  switch (event.type) {
    case 'SuggestionProposed':
      return { status: 'Proposed', suggestionId: event.data.suggestionId, toDepartment: event.data.toDepartment };
    case 'SuggestionDecided':
      return state.status === 'New' ? state : { ...state, status: 'Decided', adopted: event.data.adopted };
    default:
      return unreachable(event);
  }
};
