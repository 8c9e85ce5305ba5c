import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import {
  endpointActor,
  managerActor,
  orderId,
  otherSpecialistId,
  receivedAt,
  repairOrderCommand as command,
  repairOrderData,
  repairOrderHistory,
  repairOrderHistoryThrough as through,
  repairOrderLifecycle as lifecycle,
  specialistActor,
  failedRepairInspection as failedRepair,
} from '../testing/repair-order.js';
import type { RepairOrderEvent } from './index.js';
import { repairOrder } from './index.js';

const spec = specify(repairOrder);
const given = (events: readonly RepairOrderEvent[]) => spec.given(events);

const failedFinishing: RepairOrderEvent = {
  type: 'FinishingInspected',
  data: { orderId, passed: false, defects: ['crease on the sleeve'], attempt: 1 },
};
const cancelled: RepairOrderEvent = { type: 'RepairOrderCancelled', data: { orderId, reason: 'withdrawn' } };
const afterHours = (hours: number) => new Date(Date.parse(receivedAt) + hours * 3_600_000).toISOString();

describe('FinishGarment and InspectFinishing', () => {
  it('finish a repair that passed, by any specialist', () => {
    given(through('RepairInspected'))
      .when(command('FinishGarment', {}, specialistActor(otherSpecialistId)))
      .then([{ type: 'GarmentFinished', data: { orderId, steps: ['ironing', 'folding'] } }]);
  });
  it('inspect the finishing', () => {
    given(through('GarmentFinished')).when(command('InspectFinishing')).then([
      { type: 'FinishingInspected', data: { orderId, passed: true, defects: [], attempt: 1 } },
    ]);
    given(through('GarmentFinished'))
      .when(command('InspectFinishing', { passed: false, defects: ['crease on the sleeve'] }))
      .then([failedFinishing]);
  });
  it('finish again after a failed finishing inspection, and count the second inspection', () => {
    const refinish = [...through('GarmentFinished'), failedFinishing];
    given(refinish).when(command('FinishGarment', { steps: ['ironing'] })).then([{ type: 'GarmentFinished', data: { orderId, steps: ['ironing'] } }]);
    given([...refinish, { type: 'GarmentFinished', data: { orderId, steps: ['ironing'] } }])
      .when(command('InspectFinishing'))
      .then([{ type: 'FinishingInspected', data: { orderId, passed: true, defects: [], attempt: 2 } }]);
  });
  it('are refused out of order', () => {
    given(through('RepairCompleted')).when(command('FinishGarment')).thenRefused('InvalidTransition', 'is RepairCompleted; expected RepairPassed');
    given([...through('RepairCompleted'), failedRepair]).when(command('FinishGarment')).thenRefused('InvalidTransition', 'is RepairRejected');
    given(through('GarmentFinished')).when(command('FinishGarment')).thenRefused('InvalidTransition', 'is Finished');
    given(through('FinishingInspected')).when(command('FinishGarment')).thenRefused('InvalidTransition', 'is FinishingPassed');
    given(through('RepairInspected')).when(command('InspectFinishing')).thenRefused('InvalidTransition', 'expected Finished');
  });
  it('are refused with unknown, repeated or no steps', () => {
    given(through('RepairInspected')).when(command('FinishGarment', { steps: [] })).thenRefused('InvalidCommand', 'data.steps');
    given(through('RepairInspected')).when(command('FinishGarment', { steps: ['ironing', 'ironing'] })).thenRefused('InvalidCommand', 'data.steps');
    given(through('RepairInspected')).when(command('FinishGarment', { steps: ['washing'] })).thenRefused('InvalidCommand', 'data.steps.0');
  });
  it('are refused to the wrong roles', () => {
    given(through('RepairInspected')).when(command('FinishGarment', {}, managerActor)).thenRefused('Forbidden');
    given(through('GarmentFinished')).when(command('InspectFinishing', {}, specialistActor())).thenRefused('Forbidden');
  });
});

describe('PackageGarment, ReturnGarment and ConfirmReturn', () => {
  it('package, return and confirm in turn', () => {
    given(through('FinishingInspected'))
      .when(command('PackageGarment', {}, specialistActor(otherSpecialistId)))
      .then([{ type: 'GarmentPackaged', data: { orderId } }]);
    given(through('GarmentPackaged')).when(command('ReturnGarment')).then([{ type: 'GarmentReturned', data: { orderId } }]);
    given(through('GarmentReturned')).when(command('ConfirmReturn')).then([{ type: 'ReturnConfirmed', data: { orderId, receivedBy: '李店长' } }]);
  });
  it('are refused out of order', () => {
    given([...through('GarmentFinished'), failedFinishing]).when(command('PackageGarment')).thenRefused('InvalidTransition', 'is FinishingRejected; expected FinishingPassed');
    given(through('FinishingInspected')).when(command('ReturnGarment')).thenRefused('InvalidTransition', 'expected Packaged');
    given(through('GarmentPackaged')).when(command('ConfirmReturn')).thenRefused('InvalidTransition', 'expected Returned');
    given(through('ReturnConfirmed')).when(command('ConfirmReturn')).thenRefused('InvalidTransition', 'is ReturnConfirmed');
  });
  it('let only the order’s own endpoint confirm the return', () => {
    given(through('GarmentReturned'))
      .when(command('ConfirmReturn', {}, endpointActor('EP-02')))
      .thenRefused('Forbidden', 'repair order RO-1 belongs to endpoint EP-01, not EP-02');
  });
  it('are refused to the wrong roles', () => {
    given(through('FinishingInspected')).when(command('PackageGarment', {}, endpointActor())).thenRefused('Forbidden');
    given(through('GarmentPackaged')).when(command('ReturnGarment', {}, managerActor)).thenRefused('Forbidden');
    given(through('GarmentReturned')).when(command('ConfirmReturn', {}, managerActor)).thenRefused('Forbidden');
  });
  it('refuse a confirmation naming nobody', () => {
    given(through('GarmentReturned')).when(command('ConfirmReturn', { receivedBy: '' })).thenRefused('InvalidCommand', 'data.receivedBy');
  });
});

describe('RecordFeedback', () => {
  const feedback: RepairOrderEvent = { type: 'FeedbackRecorded', data: { orderId, satisfied: false, opinion: '颜色有差异' } };
  it('records the customer’s verdict relayed by the endpoint or taken by the manager', () => {
    given(through('ReturnConfirmed')).when(command('RecordFeedback', { satisfied: false, opinion: '颜色有差异' })).then([feedback]);
    given(through('ReturnConfirmed'))
      .when(command('RecordFeedback', { satisfied: false, opinion: '颜色有差异' }, managerActor))
      .then([feedback]);
  });
  it('is recorded once', () => {
    given(through('FeedbackRecorded')).when(command('RecordFeedback')).thenRefused('InvalidTransition', 'is FeedbackRecorded; expected ReturnConfirmed');
  });
  it('is refused before the return is confirmed', () => {
    given(through('GarmentReturned')).when(command('RecordFeedback')).thenRefused('InvalidTransition', 'is Returned');
  });
  it('is refused from another endpoint and from a specialist', () => {
    given(through('ReturnConfirmed')).when(command('RecordFeedback', {}, endpointActor('EP-03'))).thenRefused('Forbidden', 'belongs to endpoint EP-01');
    given(through('ReturnConfirmed')).when(command('RecordFeedback', {}, specialistActor())).thenRefused('Forbidden');
  });
  it('is refused without a verdict', () => {
    given(through('ReturnConfirmed')).when(command('RecordFeedback', { satisfied: undefined })).thenRefused('InvalidCommand', 'data.satisfied');
  });
});

describe('CancelRepairOrder', () => {
  it.each(['RepairOrderReceived', 'RepairScheduled', 'RepairInspected', 'GarmentPackaged'] as const)('cancels an order after %s', (last) => {
    given(through(last)).when(command('CancelRepairOrder', { reason: 'withdrawn' })).then([cancelled]);
  });
  it('is open to the manager too', () => {
    given(through('RepairStarted')).when(command('CancelRepairOrder', { reason: 'withdrawn' }, managerActor)).then([cancelled]);
  });
  it('is refused once the garment is returned', () => {
    given(through('GarmentReturned')).when(command('CancelRepairOrder')).thenRefused('InvalidTransition', 'is Returned; expected an order whose garment has not been returned yet');
  });
  it('is refused from another endpoint, a specialist, or without a reason', () => {
    given(through('RepairOrderReceived')).when(command('CancelRepairOrder', {}, endpointActor('EP-02'))).thenRefused('Forbidden', 'not EP-02');
    given(through('RepairOrderReceived')).when(command('CancelRepairOrder', {}, specialistActor())).thenRefused('Forbidden');
    given(through('RepairOrderReceived')).when(command('CancelRepairOrder', { reason: '' })).thenRefused('InvalidCommand', 'data.reason');
  });
});

describe('CloseRepairOrder', () => {
  it('closes an order after the feedback', () => {
    given(through('FeedbackRecorded')).when(command('CloseRepairOrder')).then([{ type: 'RepairOrderClosed', data: { orderId } }]);
  });
  it('is refused before the feedback', () => {
    given(through('ReturnConfirmed')).when(command('CloseRepairOrder')).thenRefused('InvalidTransition', 'is ReturnConfirmed; expected FeedbackRecorded');
  });
  it('is refused to the endpoint', () => {
    given(through('FeedbackRecorded')).when(command('CloseRepairOrder', {}, endpointActor())).thenRefused('Forbidden');
  });
});

describe('a cancelled or closed order', () => {
  const commands = Object.keys(repairOrderData) as (keyof typeof repairOrderData)[];
  it.each(commands)('accepts no %s once cancelled', (type) => {
    const error = given([...through('RepairScheduled'), cancelled]).when(command(type, {}, undefined, { at: afterHours(1) })).decision();
    expect(error).toMatchObject({ _tag: 'Left', left: { code: expect.stringMatching(/^(InvalidTransition|Forbidden)$/) } });
  });
  it('says it was cancelled and accepts nothing more', () => {
    given([...through('RepairScheduled'), cancelled]).when(command('StartRepair')).thenRefused('InvalidTransition', 'repair order RO-1 was cancelled (while Scheduled) and accepts nothing more');
  });
  it.each(commands)('accepts no %s once closed', (type) => {
    const error = given(repairOrderHistory).when(command(type)).decision();
    expect(error).toMatchObject({ _tag: 'Left', left: { code: expect.stringMatching(/^(InvalidTransition|Forbidden)$/) } });
  });
  it('says it is closed', () => {
    given(repairOrderHistory).when(command('RecordFeedback')).thenRefused('InvalidTransition', 'repair order RO-1 is Closed and accepts nothing more');
  });
});

describe('the happy path', () => {
  it('is the whole life of an order, each step accepted in turn', () => {
    const events: RepairOrderEvent[] = [];
    for (const raw of lifecycle()) {
      const decision = spec.given(events).when(raw).decision();
      if (decision._tag === 'Left') expect.fail(`${raw.type}: ${decision.left.message}`);
      events.push(...decision.right);
    }
    expect(events).toEqual(repairOrderHistory);
  });
});
