import { specify } from '@aftersales/core/testing';
import { describe, it } from 'vitest';
import {
  endpointActor,
  managerActor,
  orderId,
  otherSpecialistId,
  promisedBy,
  receivedAt,
  repairOrderCommand as command,
  repairOrderData,
  repairOrderHistoryThrough as through,
  specialistActor,
  specialistId,
  failedRepairInspection as failedRepair,
} from '../testing/repair-order.js';
import type { RepairOrderEvent } from './index.js';
import { repairOrder } from './index.js';

const spec = specify(repairOrder);
const given = (events: readonly RepairOrderEvent[]) => spec.given(events);


describe('ReceiveRepairOrder', () => {
  it('opens a new order reported by the endpoint for itself', () => {
    given([]).when(command('ReceiveRepairOrder')).then([{ type: 'RepairOrderReceived', data: repairOrderData.ReceiveRepairOrder }]);
  });
  it('accepts several distinct work items', () => {
    const workItems = ['hemming', 'waistAlteration', 'creativeRepair', 'other'];
    given([]).when(command('ReceiveRepairOrder', { workItems })).then([
      { type: 'RepairOrderReceived', data: { ...repairOrderData.ReceiveRepairOrder, workItems: ['hemming', 'waistAlteration', 'creativeRepair', 'other'] } },
    ]);
  });
  it('is refused for an order id already in use', () => {
    given(through('RepairOrderReceived')).when(command('ReceiveRepairOrder')).thenRefused('InvalidTransition', 'repair order RO-1 is Received; expected a new order id');
  });
  it('is refused when an endpoint reports for another endpoint', () => {
    given([]).when(command('ReceiveRepairOrder', { endpointId: 'EP-02' })).thenRefused('Forbidden', 'repair order RO-1 names endpoint EP-02, but endpoint EP-01 may report repair orders only for itself');
  });
  it('is refused to any role but BusinessEndpoint', () => {
    given([]).when(command('ReceiveRepairOrder', {}, managerActor)).thenRefused('Forbidden', 'role DepartmentManager may not issue it');
    given([]).when(command('ReceiveRepairOrder', {}, { id: 'EP-01', role: 'Auditor' })).thenRefused('Forbidden', 'read-only');
  });
  it.each([
    [{ workItems: [] }, 'data.workItems'],
    [{ workItems: ['hemming', 'hemming'] }, 'data.workItems'],
    [{ workItems: ['dyeing'] }, 'data.workItems.0'],
    [{ customer: { name: '', phone: '13800000000' } }, 'data.customer.name'],
    [{ customer: { name: '王芳', phone: 'call me' } }, 'data.customer.phone'],
    [{ orderId: '' }, 'data.orderId'],
    [{ colour: 'red' }, 'data'],
  ])('is refused as InvalidCommand for invalid data %j', (data, path) => {
    given([]).when(command('ReceiveRepairOrder', data)).thenRefused('InvalidCommand', path);
  });
  it('is refused without a business time', () => {
    const { at: _at, ...metadata } = command('ReceiveRepairOrder').metadata;
    given([]).when({ ...command('ReceiveRepairOrder'), metadata }).thenRefused('InvalidCommand', 'metadata.at');
  });
});

describe('ConfirmReceipt', () => {
  it('confirms a received order', () => {
    given(through('RepairOrderReceived')).when(command('ConfirmReceipt')).then([{ type: 'ReceiptConfirmed', data: { orderId } }]);
  });
  it('is refused for an order that does not exist', () => {
    given([]).when(command('ConfirmReceipt')).thenRefused('InvalidTransition', 'repair order RO-1 does not exist; expected Received');
  });
  it('is refused twice', () => {
    given(through('ReceiptConfirmed')).when(command('ConfirmReceipt')).thenRefused('InvalidTransition', 'is Confirmed');
  });
  it('is refused to a specialist', () => {
    given(through('RepairOrderReceived')).when(command('ConfirmReceipt', {}, specialistActor())).thenRefused('Forbidden');
  });
});

describe('ScheduleRepair', () => {
  it('promises a date and assigns a specialist', () => {
    given(through('ReceiptConfirmed')).when(command('ScheduleRepair')).then([
      { type: 'RepairScheduled', data: { orderId, promisedBy, specialistId } },
    ]);
  });
  it('is refused before the receipt is confirmed', () => {
    given(through('RepairOrderReceived')).when(command('ScheduleRepair')).thenRefused('InvalidTransition', 'is Received; expected Confirmed');
  });
  it('is refused once scheduled: a change of date is a RescheduleRepair', () => {
    given(through('RepairScheduled')).when(command('ScheduleRepair')).thenRefused('InvalidTransition', 'is Scheduled');
  });
  it('is refused with a promise that is not after the scheduling time', () => {
    given(through('ReceiptConfirmed')).when(command('ScheduleRepair', { promisedBy: receivedAt })).thenRefused('InvalidCommand', 'data.promisedBy');
  });
  it('is refused with a promise that is not an instant', () => {
    given(through('ReceiptConfirmed')).when(command('ScheduleRepair', { promisedBy: 'next Friday' })).thenRefused('InvalidCommand', 'data.promisedBy');
  });
  it('is refused to the endpoint', () => {
    given(through('ReceiptConfirmed')).when(command('ScheduleRepair', {}, endpointActor())).thenRefused('Forbidden');
  });
});

describe('RescheduleRepair', () => {
  const newPromise = repairOrderData.RescheduleRepair.promisedBy;
  const rescheduled: RepairOrderEvent = {
    type: 'RepairRescheduled',
    data: { orderId, promisedBy: newPromise, previousPromisedBy: promisedBy, reason: 'fabric on order' },
  };
  it('moves the promise while it has not passed, before and during the repair', () => {
    given(through('RepairScheduled')).when(command('RescheduleRepair')).then([rescheduled]);
    given(through('RepairStarted')).when(command('RescheduleRepair')).then([rescheduled]);
  });
  it('moves the promise after a failed repair inspection, the repair being open again', () => {
    given([...through('RepairCompleted'), failedRepair]).when(command('RescheduleRepair')).then([rescheduled]);
  });
  it('measures against the promise in force, not the first one', () => {
    const later = '2026-03-10T18:00:00+08:00';
    given([...through('RepairScheduled'), rescheduled])
      .when(command('RescheduleRepair', { promisedBy: later }, undefined, { at: '2026-03-07T09:00:00+08:00' }))
      .then([{ type: 'RepairRescheduled', data: { orderId, promisedBy: later, previousPromisedBy: newPromise, reason: 'fabric on order' } }]);
  });
  it('is refused once the promise in force has passed', () => {
    given(through('RepairScheduled'))
      .when(command('RescheduleRepair', { promisedBy: '2026-03-12T18:00:00+08:00' }, undefined, { at: promisedBy }))
      .thenRefused('InvalidTransition', `its promise ${promisedBy} had passed`);
  });
  it('is refused once the repair is completed', () => {
    given(through('RepairCompleted')).when(command('RescheduleRepair')).thenRefused('InvalidTransition', 'is RepairCompleted');
    given(through('RepairInspected')).when(command('RescheduleRepair')).thenRefused('InvalidTransition', 'is RepairPassed');
  });
  it('is refused before scheduling', () => {
    given(through('ReceiptConfirmed')).when(command('RescheduleRepair')).thenRefused('InvalidTransition', 'is Confirmed');
  });
  it('is refused with a new promise in the past or equal to the one in force', () => {
    given(through('RepairScheduled')).when(command('RescheduleRepair', { promisedBy: '2026-03-01T18:00:00+08:00' })).thenRefused('InvalidCommand', 'data.promisedBy');
    given(through('RepairScheduled')).when(command('RescheduleRepair', { promisedBy: '2026-03-06T10:00:00Z' })).thenRefused('InvalidCommand', 'already the promise in force');
  });
  it('is refused without a reason', () => {
    given(through('RepairScheduled')).when(command('RescheduleRepair', { reason: '  ' })).thenRefused('InvalidCommand', 'data.reason');
  });
  it('is refused to a specialist', () => {
    given(through('RepairScheduled')).when(command('RescheduleRepair', {}, specialistActor())).thenRefused('Forbidden');
  });
});

describe('StartRepair and CompleteRepair', () => {
  it('are done by the assigned specialist', () => {
    given(through('RepairScheduled')).when(command('StartRepair')).then([{ type: 'RepairStarted', data: { orderId, specialistId } }]);
    given(through('RepairStarted')).when(command('CompleteRepair')).then([{ type: 'RepairCompleted', data: { orderId, specialistId } }]);
  });
  it('are refused to another specialist', () => {
    given(through('RepairScheduled'))
      .when(command('StartRepair', {}, specialistActor(otherSpecialistId)))
      .thenRefused('Forbidden', 'repair order RO-1 is assigned to specialist SP-01, not SP-02');
    given(through('RepairStarted')).when(command('CompleteRepair', {}, specialistActor(otherSpecialistId))).thenRefused('Forbidden', 'SP-01');
  });
  it('are refused to the manager', () => {
    given(through('RepairScheduled')).when(command('StartRepair', {}, managerActor)).thenRefused('Forbidden');
  });
  it('start again after a failed inspection', () => {
    given([...through('RepairCompleted'), failedRepair]).when(command('StartRepair')).then([{ type: 'RepairStarted', data: { orderId, specialistId } }]);
  });
  it('are refused out of order', () => {
    given(through('ReceiptConfirmed')).when(command('StartRepair')).thenRefused('InvalidTransition', 'is Confirmed; expected Scheduled');
    given(through('RepairStarted')).when(command('StartRepair')).thenRefused('InvalidTransition', 'is InRepair');
    given(through('RepairScheduled')).when(command('CompleteRepair')).thenRefused('InvalidTransition', 'is Scheduled; expected InRepair');
    given(through('RepairCompleted')).when(command('CompleteRepair')).thenRefused('InvalidTransition', 'is RepairCompleted');
  });
  it('never restart a repair that passed inspection', () => {
    given(through('RepairInspected')).when(command('StartRepair')).thenRefused('InvalidTransition', 'is RepairPassed');
  });
});

describe('InspectRepair', () => {
  it('passes a completed repair at the first attempt', () => {
    given(through('RepairCompleted')).when(command('InspectRepair')).then([
      { type: 'RepairInspected', data: { orderId, passed: true, defects: [], attempt: 1 } },
    ]);
  });
  it('fails it with the defects to fix, and counts the attempts', () => {
    given(through('RepairCompleted')).when(command('InspectRepair', { passed: false, defects: ['uneven hem'] })).then([failedRepair]);
    const redone: RepairOrderEvent[] = [
      ...through('RepairCompleted'),
      failedRepair,
      { type: 'RepairStarted', data: { orderId, specialistId } },
      { type: 'RepairCompleted', data: { orderId, specialistId } },
    ];
    given(redone).when(command('InspectRepair')).then([{ type: 'RepairInspected', data: { orderId, passed: true, defects: [], attempt: 2 } }]);
  });
  it('is refused before the repair is completed or after it passed', () => {
    given(through('RepairStarted')).when(command('InspectRepair')).thenRefused('InvalidTransition', 'is InRepair; expected RepairCompleted');
    given(through('RepairInspected')).when(command('InspectRepair')).thenRefused('InvalidTransition', 'is RepairPassed');
  });
  it('is refused with a failure naming no defect, or a pass naming some', () => {
    given(through('RepairCompleted')).when(command('InspectRepair', { passed: false, defects: [] })).thenRefused('InvalidCommand', 'data.defects');
    given(through('RepairCompleted')).when(command('InspectRepair', { passed: true, defects: ['x'] })).thenRefused('InvalidCommand', 'data.defects');
    given(through('RepairCompleted')).when(command('InspectRepair', { passed: 'yes' })).thenRefused('InvalidCommand', 'data.passed');
  });
  it('is refused to the specialist who did the repair', () => {
    given(through('RepairCompleted')).when(command('InspectRepair', {}, specialistActor())).thenRefused('Forbidden');
  });
});

