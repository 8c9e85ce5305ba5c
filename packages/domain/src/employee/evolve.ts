import { unreachable } from '../shared/unreachable.js';
import type { EmployeeEvent } from './events.js';
import type { EmployeeState, Leave } from './state.js';

const leavesOf = (state: EmployeeState): readonly Leave[] => (state.status === 'New' ? [] : state.leaves);

export const evolve = (state: EmployeeState, event: EmployeeEvent): EmployeeState => {
  switch (event.type) {
    case 'EmployeeJoined':
      return { status: 'Employed', employeeId: event.data.employeeId, position: event.data.position, leaves: leavesOf(state) };
    case 'EmployeeLeft':
      return state.status === 'New'
        ? state
        : { status: 'Left', employeeId: state.employeeId, position: state.position, leaves: state.leaves, reason: event.data.reason };
    case 'LeaveRequested': {
      if (state.status === 'New') return state;
      const { leaveId, from, to, days } = event.data;
      return { ...state, leaves: [...state.leaves, { leaveId, from, to, days, status: 'Requested' }] };
    }
    case 'LeaveDecided': {
      if (state.status === 'New') return state;
      const status = event.data.approved ? 'Approved' : 'Refused';
      return { ...state, leaves: state.leaves.map((leave) => (leave.leaveId === event.data.leaveId ? { ...leave, status } : leave)) };
    }
    case 'CareRecorded':
      return state;
    default:
      return unreachable(event);
  }
};
