import { unreachable } from '../shared/unreachable.js';
import type { AssignmentEvent } from './events.js';
import type { AssignmentState } from './state.js';

export const evolve = (state: AssignmentState, event: AssignmentEvent): AssignmentState => {
  switch (event.type) {
    case 'TaskDelegated':
      return { status: 'Delegated', taskId: event.data.taskId, dueBy: event.data.dueBy, delegatedBy: event.data.delegatedBy };
    case 'TaskResultReported':
      return state.status === 'New' ? state : { taskId: state.taskId, dueBy: state.dueBy, delegatedBy: state.delegatedBy, status: 'Reported' };
    case 'TaskWithdrawn':
      return state.status === 'New'
        ? state
        : { taskId: state.taskId, dueBy: state.dueBy, delegatedBy: state.delegatedBy, status: 'Withdrawn', reason: event.data.reason };
    default:
      return unreachable(event);
  }
};
