import { unreachable } from '../shared/unreachable.js';
import type { RepairOrderEvent } from './events.js';
import type { RepairOrderState, ScheduledStatus } from './state.js';
import { isScheduled } from './state.js';

/**
 * Moves a scheduled order to its next status. Events only arrive in the order `decide` emits them;
 * an event that does not fit the state (which a valid stream never holds) leaves the state as it is,
 * so that replay stays total.
 */
const advance = (
  state: RepairOrderState,
  status: ScheduledStatus,
  change: { readonly repairInspections?: number; readonly finishingInspections?: number } = {},
): RepairOrderState => (isScheduled(state) ? { ...state, ...change, status } : state);

export const evolve = (state: RepairOrderState, event: RepairOrderEvent): RepairOrderState => {
  switch (event.type) {
    case 'RepairOrderReceived': {
      const { data } = event;
      return state.status === 'Initial' ? { status: 'Received', orderId: data.orderId, endpointId: data.endpointId } : state;
    }
    case 'ReceiptConfirmed': {
      return state.status === 'Received' ? { ...state, status: 'Confirmed' } : state;
    }
    case 'RepairScheduled': {
      const { data } = event;
      return state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : {
            status: 'Scheduled',
            orderId: state.orderId,
            endpointId: state.endpointId,
            promisedBy: data.promisedBy,
            specialistId: data.specialistId,
            repairInspections: 0,
            finishingInspections: 0,
          };
    }
    case 'RepairRescheduled': {
      const { data } = event;
      return isScheduled(state) ? { ...state, promisedBy: data.promisedBy } : state;
    }
    case 'RepairStarted': {
      return advance(state, 'InRepair');
    }
    case 'RepairCompleted': {
      return advance(state, 'RepairCompleted');
    }
    case 'RepairInspected': {
      const { data } = event;
      return advance(state, data.passed ? 'RepairPassed' : 'RepairRejected', { repairInspections: data.attempt });
    }
    case 'GarmentFinished': {
      return advance(state, 'Finished');
    }
    case 'FinishingInspected': {
      const { data } = event;
      return advance(state, data.passed ? 'FinishingPassed' : 'FinishingRejected', { finishingInspections: data.attempt });
    }
    case 'GarmentPackaged': {
      return advance(state, 'Packaged');
    }
    case 'GarmentReturned': {
      return advance(state, 'Returned');
    }
    case 'ReturnConfirmed': {
      return advance(state, 'ReturnConfirmed');
    }
    case 'FeedbackRecorded': {
      return advance(state, 'FeedbackRecorded');
    }
    case 'RepairOrderCancelled': {
      return state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : { status: 'Cancelled', orderId: state.orderId, endpointId: state.endpointId, cancelledWhen: state.status };
    }
    case 'RepairOrderClosed': {
      return state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : { status: 'Closed', orderId: state.orderId, endpointId: state.endpointId };
    }
    default:
      return unreachable(event);
  }
};
