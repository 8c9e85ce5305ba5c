import { fold } from '@aftersales/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { arbitraryRepairOrderStep, receivedAt, repairOrderHistory, repairOrderStep } from '../testing/repair-order.js';
import type { RepairOrderEvent, RepairOrderEventType, RepairOrderState, RepairOrderStatus } from './index.js';
import { RepairOrderEvent as RepairOrderEventSchema, repairOrder } from './index.js';

const { decider } = repairOrder;

/** DOMAIN.md's sequence, written out independently of the decider: which events may follow each status. */
const allowed: { readonly [S in RepairOrderStatus]: readonly RepairOrderEventType[] } = {
  Initial: ['RepairOrderReceived'],
  Received: ['ReceiptConfirmed', 'RepairOrderCancelled'],
  Confirmed: ['RepairScheduled', 'RepairOrderCancelled'],
  Scheduled: ['RepairStarted', 'RepairRescheduled', 'RepairOrderCancelled'],
  InRepair: ['RepairCompleted', 'RepairRescheduled', 'RepairOrderCancelled'],
  RepairCompleted: ['RepairInspected', 'RepairOrderCancelled'],
  RepairRejected: ['RepairStarted', 'RepairRescheduled', 'RepairOrderCancelled'],
  RepairPassed: ['GarmentFinished', 'RepairOrderCancelled'],
  Finished: ['FinishingInspected', 'RepairOrderCancelled'],
  FinishingRejected: ['GarmentFinished', 'RepairOrderCancelled'],
  FinishingPassed: ['GarmentPackaged', 'RepairOrderCancelled'],
  Packaged: ['GarmentReturned', 'RepairOrderCancelled'],
  Returned: ['ReturnConfirmed'],
  ReturnConfirmed: ['FeedbackRecorded'],
  FeedbackRecorded: ['RepairOrderClosed'],
  Cancelled: [],
  Closed: [],
};

/** Events that belong to the repair (or the finishing) and may never follow its passed inspection. */
const repairEvents: readonly RepairOrderEventType[] = ['RepairStarted', 'RepairCompleted', 'RepairInspected', 'RepairRescheduled'];
const finishingEvents: readonly RepairOrderEventType[] = ['GarmentFinished', 'FinishingInspected'];

const reached = new Set<RepairOrderStatus>();
const refusals = new Set<string>();

/** Runs a scenario through decode, authorize and decide, checking every decision on the way. */
const run = (steps: readonly Parameters<typeof repairOrderStep>[0][]) => {
  let state: RepairOrderState = decider.initialState;
  let at = receivedAt;
  const history: RepairOrderEvent[] = [];
  let promise: string | undefined;
  let assigned: string | undefined;
  for (const step of steps) {
    at = new Date(Date.parse(at) + step.hours * 3_600_000).toISOString();
    const raw = repairOrderStep(step, state, at);
    const decoded = repairOrder.commandSchema.safeParse(raw);
    if (!decoded.success) continue;
    const command = decoded.data;
    const authorized = repairOrder.authorize(command);
    if (E.isLeft(authorized)) {
      expect(authorized.left.code).toBe('Forbidden');
      continue;
    }
    const decision = decider.decide(command, state);
    if (E.isLeft(decision)) {
      expect(['InvalidTransition', 'Forbidden', 'InvalidCommand']).toContain(decision.left.code);
      expect(decision.left.message).toContain(`repair order ${command.data.orderId}`);
      refusals.add(decision.left.code);
      continue;
    }
    for (const event of decision.right) {
      expect(allowed[state.status]).toContain(event.type);
      if (event.type === 'RepairStarted' || event.type === 'RepairCompleted') {
        expect(command.metadata.actor.id).toBe(assigned);
      }
      if (event.type === 'RepairRescheduled') {
        expect(Date.parse(command.metadata.at)).toBeLessThan(Date.parse(promise!));
      }
      if (event.type === 'RepairScheduled') assigned = event.data.specialistId;
      if (event.type === 'RepairScheduled' || event.type === 'RepairRescheduled') promise = event.data.promisedBy;
      state = decider.evolve(state, event);
      history.push(event);
      reached.add(state.status);
    }
  }
  return { state, history };
};

const scenarios = fc.array(arbitraryRepairOrderStep(), { minLength: 10, maxLength: 80 });

describe('a repair order, under any sequence of commands from anyone', () => {
  afterAll(() => {
    // A property only says something if the scenarios reach the whole state machine.
    expect([...reached].sort()).toEqual(
      (Object.keys(allowed) as RepairOrderStatus[]).filter((status) => status !== 'Initial').sort(),
    );
    expect([...refusals].sort()).toEqual(['Forbidden', 'InvalidCommand', 'InvalidTransition']);
  });

  it('never throws and only takes the steps the state machine allows', () => {
    fc.assert(fc.property(scenarios, (steps) => void run(steps)), { numRuns: 400 });
  });

  it('folds to the same state however often its events are replayed, also after a round trip through JSON', () => {
    fc.assert(
      fc.property(scenarios, (steps) => {
        const { state, history } = run(steps);
        expect(fold(decider, history)).toEqual(state);
        expect(fold(decider, history)).toEqual(fold(decider, history));
        const reread = JSON.parse(JSON.stringify(history)).map((event: unknown) => RepairOrderEventSchema.parse(event));
        expect(fold(decider, reread)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('never goes back past a passed inspection', () => {
    fc.assert(
      fc.property(scenarios, (steps) => {
        const { history } = run(steps);
        const repairPassed = history.findIndex((event) => event.type === 'RepairInspected' && event.data.passed);
        const finishingPassed = history.findIndex((event) => event.type === 'FinishingInspected' && event.data.passed);
        if (repairPassed >= 0) {
          expect(history.slice(repairPassed + 1).filter((event) => repairEvents.includes(event.type))).toEqual([]);
        }
        if (finishingPassed >= 0) {
          expect(history.slice(finishingPassed + 1).filter((event) => finishingEvents.includes(event.type))).toEqual([]);
        }
        const attempts = history.flatMap((event) => (event.type === 'RepairInspected' ? [event.data.attempt] : []));
        expect(attempts).toEqual(attempts.map((_, index) => index + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('folds any order of its events without throwing, so a replay never stops half-way', () => {
    const events = fc.array(fc.constantFrom(...repairOrderHistory, { type: 'RepairOrderCancelled', data: { orderId: 'RO-1', reason: 'x' } }), { maxLength: 30 });
    fc.assert(
      fc.property(events, (history) => {
        const state = fold(decider, history);
        expect(Object.keys(allowed)).toContain(state.status);
      }),
    );
  });
});
