import { match } from 'ts-pattern';
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

export const evolve = (state: RepairOrderState, event: RepairOrderEvent): RepairOrderState =>
  match(event)
    .returnType<RepairOrderState>()
    .with({ type: 'RepairOrderReceived' }, ({ data }) =>
      state.status === 'Initial' ? { status: 'Received', orderId: data.orderId, endpointId: data.endpointId } : state,
    )
    .with({ type: 'ReceiptConfirmed' }, () =>
      state.status === 'Received' ? { ...state, status: 'Confirmed' } : state,
    )
    .with({ type: 'RepairScheduled' }, ({ data }) =>
      state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : {
            status: 'Scheduled',
            orderId: state.orderId,
            endpointId: state.endpointId,
            promisedBy: data.promisedBy,
            specialistId: data.specialistId,
            repairInspections: 0,
            finishingInspections: 0,
          },
    )
    .with({ type: 'RepairRescheduled' }, ({ data }) =>
      isScheduled(state) ? { ...state, promisedBy: data.promisedBy } : state,
    )
    .with({ type: 'RepairStarted' }, () => advance(state, 'InRepair'))
    .with({ type: 'RepairCompleted' }, () => advance(state, 'RepairCompleted'))
    .with({ type: 'RepairInspected' }, ({ data }) =>
      advance(state, data.passed ? 'RepairPassed' : 'RepairRejected', { repairInspections: data.attempt }),
    )
    .with({ type: 'GarmentFinished' }, () => advance(state, 'Finished'))
    .with({ type: 'FinishingInspected' }, ({ data }) =>
      advance(state, data.passed ? 'FinishingPassed' : 'FinishingRejected', { finishingInspections: data.attempt }),
    )
    .with({ type: 'GarmentPackaged' }, () => advance(state, 'Packaged'))
    .with({ type: 'GarmentReturned' }, () => advance(state, 'Returned'))
    .with({ type: 'ReturnConfirmed' }, () => advance(state, 'ReturnConfirmed'))
    .with({ type: 'FeedbackRecorded' }, () => advance(state, 'FeedbackRecorded'))
    .with({ type: 'RepairOrderCancelled' }, () =>
      state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : { status: 'Cancelled', orderId: state.orderId, endpointId: state.endpointId, cancelledWhen: state.status },
    )
    .with({ type: 'RepairOrderClosed' }, () =>
      state.status === 'Initial' || state.status === 'Cancelled' || state.status === 'Closed'
        ? state
        : { status: 'Closed', orderId: state.orderId, endpointId: state.endpointId },
    )
    .exhaustive();
