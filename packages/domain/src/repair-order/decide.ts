import type { Forbidden } from '@aftersales/core';
import { forbidden, invalidCommand } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { unreachable } from '../shared/unreachable.js';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import type { RepairOrderCommand } from './commands.js';
import type { RepairOrderEvent } from './events.js';
import type { RepairOrderState, RepairOrderStatus } from './state.js';

type Decision = E.Either<DepartmentError, readonly RepairOrderEvent[]>;
type InStatus<S extends RepairOrderStatus> = Extract<RepairOrderState, { readonly status: S }>;

const accept = (...events: RepairOrderEvent[]): Decision => E.right(events);

/** The events, if the identity check let the actor through. */
const acceptIf = (check: E.Either<Forbidden, void>, ...events: RepairOrderEvent[]): Decision =>
  E.isLeft(check) ? check : E.right(events);

const inStatus = <S extends RepairOrderStatus>(state: RepairOrderState, statuses: readonly S[]): state is InStatus<S> =>
  (statuses as readonly RepairOrderStatus[]).includes(state.status);

const describe = (state: RepairOrderState): string => {
  switch (state.status) {
    case 'Initial': {
      return 'does not exist';
    }
    case 'Cancelled': {
      const cancelled = state;
      return `was cancelled (while ${cancelled.cancelledWhen}) and accepts nothing more`;
    }
    case 'Closed': {
      return 'is Closed and accepts nothing more';
    }
    default: {
      const { status } = state;
      return `is ${status}`;
    }
  }
};

const refuse = (command: RepairOrderCommand, state: RepairOrderState, expected: string): Decision =>
  E.left(
    invalidTransition(
      `${command.type} refused: repair order ${command.data.orderId} ${describe(state)}; expected ${expected}`,
    ),
  );

const invalidField = (command: RepairOrderCommand, field: string, problem: string): Decision =>
  E.left(
    invalidCommand(
      [{ path: `data.${field}`, message: problem }],
      `${command.type} refused for repair order ${command.data.orderId}: data.${field} ${problem}`,
    ),
  );

/** A business endpoint acts only for the orders it reported; the department's own roles act for any order. */
const checkEndpoint = (command: RepairOrderCommand, endpointId: string): E.Either<Forbidden, void> =>
  command.metadata.actor.role === 'BusinessEndpoint' && command.metadata.actor.id !== endpointId
    ? E.left(
        forbidden(
          `${command.type} refused: repair order ${command.data.orderId} belongs to endpoint ${endpointId}, not ${command.metadata.actor.id}`,
        ),
      )
    : E.right(undefined);

const checkAssignedSpecialist = (
  command: RepairOrderCommand,
  specialistId: string,
): E.Either<Forbidden, void> =>
  command.metadata.actor.id === specialistId
    ? E.right(undefined)
    : E.left(
        forbidden(
          `${command.type} refused: repair order ${command.data.orderId} is assigned to specialist ${specialistId}, not ${command.metadata.actor.id}`,
        ),
      );

const instant = (iso: string): number => Date.parse(iso);

const beforeReturn = [
  'Received',
  'Confirmed',
  'Scheduled',
  'InRepair',
  'RepairCompleted',
  'RepairRejected',
  'RepairPassed',
  'Finished',
  'FinishingRejected',
  'FinishingPassed',
  'Packaged',
] as const satisfies readonly RepairOrderStatus[];

/** Decides one command against the order's state: the events it produces, or why it is refused. */
export const decide = (command: RepairOrderCommand, state: RepairOrderState): Decision => {
  switch (command.type) {
    case 'ReceiveRepairOrder': {
      if (state.status !== 'Initial') return refuse(command, state, 'a new order id');
      if (command.metadata.actor.id !== command.data.endpointId) {
        return E.left(
          forbidden(
            `ReceiveRepairOrder refused: repair order ${command.data.orderId} names endpoint ${command.data.endpointId}, but endpoint ${command.metadata.actor.id} may report repair orders only for itself`,
          ),
        );
      }
      return accept({ type: 'RepairOrderReceived', data: command.data });
    }
    case 'ConfirmReceipt': {
      return inStatus(state, ['Received'])
        ? accept({ type: 'ReceiptConfirmed', data: { orderId: state.orderId } })
        : refuse(command, state, 'Received (a reported order awaiting confirmation)');
    }
    case 'ScheduleRepair': {
      if (!inStatus(state, ['Confirmed'])) return refuse(command, state, 'Confirmed (receipt confirmed, not yet scheduled)');
      if (instant(command.data.promisedBy) <= instant(command.metadata.at)) {
        return invalidField(command, 'promisedBy', `(${command.data.promisedBy}) must be later than the scheduling time ${command.metadata.at}`);
      }
      return accept({
        type: 'RepairScheduled',
        data: { orderId: state.orderId, promisedBy: command.data.promisedBy, specialistId: command.data.specialistId },
      });
    }
    case 'RescheduleRepair': {
      if (!inStatus(state, ['Scheduled', 'InRepair', 'RepairRejected'])) {
        return refuse(command, state, 'Scheduled, InRepair or RepairRejected (the repair not yet completed)');
      }
      if (instant(command.metadata.at) >= instant(state.promisedBy)) {
        return E.left(
          invalidTransition(
            `RescheduleRepair refused: repair order ${state.orderId} is ${state.status} and its promise ${state.promisedBy} had passed by ${command.metadata.at}; expected a reschedule before the promise in force`,
          ),
        );
      }
      if (instant(command.data.promisedBy) <= instant(command.metadata.at)) {
        return invalidField(command, 'promisedBy', `(${command.data.promisedBy}) must be later than the rescheduling time ${command.metadata.at}`);
      }
      if (instant(command.data.promisedBy) === instant(state.promisedBy)) {
        return invalidField(command, 'promisedBy', `(${command.data.promisedBy}) is already the promise in force`);
      }
      return accept({
        type: 'RepairRescheduled',
        data: {
          orderId: state.orderId,
          promisedBy: command.data.promisedBy,
          previousPromisedBy: state.promisedBy,
          reason: command.data.reason,
        },
      });
    }
    case 'StartRepair': {
      if (!inStatus(state, ['Scheduled', 'RepairRejected'])) {
        return refuse(command, state, 'Scheduled, or RepairRejected after a failed repair inspection');
      }
      return acceptIf(
        checkAssignedSpecialist(command, state.specialistId),
        { type: 'RepairStarted', data: { orderId: state.orderId, specialistId: state.specialistId } },
      );
    }
    case 'CompleteRepair': {
      if (!inStatus(state, ['InRepair'])) return refuse(command, state, 'InRepair (a started repair)');
      return acceptIf(
        checkAssignedSpecialist(command, state.specialistId),
        { type: 'RepairCompleted', data: { orderId: state.orderId, specialistId: state.specialistId } },
      );
    }
    case 'InspectRepair': {
      return inStatus(state, ['RepairCompleted'])
        ? accept({
            type: 'RepairInspected',
            data: {
              orderId: state.orderId,
              passed: command.data.passed,
              defects: command.data.defects,
              attempt: state.repairInspections + 1,
            },
          })
        : refuse(command, state, 'RepairCompleted (a completed repair awaiting inspection)');
    }
    case 'FinishGarment': {
      return inStatus(state, ['RepairPassed', 'FinishingRejected'])
        ? accept({ type: 'GarmentFinished', data: { orderId: state.orderId, steps: command.data.steps } })
        : refuse(command, state, 'RepairPassed, or FinishingRejected after a failed finishing inspection');
    }
    case 'InspectFinishing': {
      return inStatus(state, ['Finished'])
        ? accept({
            type: 'FinishingInspected',
            data: {
              orderId: state.orderId,
              passed: command.data.passed,
              defects: command.data.defects,
              attempt: state.finishingInspections + 1,
            },
          })
        : refuse(command, state, 'Finished (finishing awaiting inspection)');
    }
    case 'PackageGarment': {
      return inStatus(state, ['FinishingPassed'])
        ? accept({ type: 'GarmentPackaged', data: { orderId: state.orderId } })
        : refuse(command, state, 'FinishingPassed (finishing passed inspection)');
    }
    case 'ReturnGarment': {
      return inStatus(state, ['Packaged'])
        ? accept({ type: 'GarmentReturned', data: { orderId: state.orderId } })
        : refuse(command, state, 'Packaged');
    }
    case 'ConfirmReturn': {
      if (!inStatus(state, ['Returned'])) return refuse(command, state, 'Returned (the garment sent back to the endpoint)');
      return acceptIf(
        checkEndpoint(command, state.endpointId),
        { type: 'ReturnConfirmed', data: { orderId: state.orderId, receivedBy: command.data.receivedBy } },
      );
    }
    case 'RecordFeedback': {
      if (!inStatus(state, ['ReturnConfirmed'])) {
        return refuse(command, state, 'ReturnConfirmed (feedback is recorded once, after the return is confirmed)');
      }
      return acceptIf(checkEndpoint(command, state.endpointId), {
        type: 'FeedbackRecorded',
        data: { orderId: state.orderId, satisfied: command.data.satisfied, opinion: command.data.opinion },
      });
    }
    case 'CancelRepairOrder': {
      if (!inStatus(state, beforeReturn)) return refuse(command, state, 'an order whose garment has not been returned yet');
      return acceptIf(
        checkEndpoint(command, state.endpointId),
        { type: 'RepairOrderCancelled', data: { orderId: state.orderId, reason: command.data.reason } },
      );
    }
    case 'CloseRepairOrder': {
      return inStatus(state, ['FeedbackRecorded'])
        ? accept({ type: 'RepairOrderClosed', data: { orderId: state.orderId } })
        : refuse(command, state, 'FeedbackRecorded (closed after the customer feedback)');
    }
    default:
      return unreachable(command);
  }
};
