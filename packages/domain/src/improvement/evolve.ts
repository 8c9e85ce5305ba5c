import { unreachable } from '../shared/unreachable.js';
import type { ImprovementEvent } from './events.js';
import type { ImprovementState } from './state.js';

export const evolve = (state: ImprovementState, event: ImprovementEvent): ImprovementState => {
  switch (event.type) {
    case 'IssueRaised': {
      const { issueId, responsibleDepartment, dueBy } = event.data;
      return { status: 'Open', issueId, responsibleDepartment, dueBy, reopenings: 0 };
    }
    case 'ImprovementRecorded':
      return state.status === 'New' ? state : { ...state, status: 'ImprovementRecorded', action: event.data.action };
    case 'ImprovementVerified': {
      if (state.status === 'New') return state;
      const { issueId, responsibleDepartment, dueBy, reopenings } = state;
      return event.data.effective
        ? { status: 'Closed', issueId, responsibleDepartment, dueBy, reopenings }
        : { status: 'Open', issueId, responsibleDepartment, dueBy, reopenings: reopenings + 1 };
    }
    case 'IssueCancelled': {
      if (state.status === 'New') return state;
      const { issueId, responsibleDepartment, dueBy, reopenings } = state;
      return { status: 'Cancelled', issueId, responsibleDepartment, dueBy, reopenings, reason: event.data.reason };
    }
    default:
      return unreachable(event);
  }
};
