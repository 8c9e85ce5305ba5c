import { fold } from '@aftersales/core';
import { specify } from '@aftersales/core/testing';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { appraisalEvents, arbitraryAppraisalCommands } from '../testing/appraisal.js';
import type { AppraisalEvent, AppraisalState } from './index.js';
import { AppraisalCommand, AppraisalEvent as EventSchema, appraisal, appraisalEventTypes } from './index.js';

const spec = specify(appraisal);
const { evolve, initialState } = appraisal.decider;

/** What each command needs and may produce, read off DOMAIN.md independently of the decider. */
const rules: Record<AppraisalCommand['type'], { readonly from: readonly AppraisalState['status'][]; readonly emits: string }> = {
  PlanAppraisal: { from: ['New'], emits: 'AppraisalPlanned' },
  ScoreAppraisal: { from: ['Planned', 'Scored'], emits: 'AppraisalScored' },
  CompleteAppraisal: { from: ['Scored'], emits: 'AppraisalCompleted' },
  ProposeRecommendation: { from: ['Completed'], emits: 'RecommendationProposed' },
  DecideRecommendation: { from: ['Completed'], emits: 'RecommendationDecided' },
  AcknowledgeAppraisal: { from: ['Completed'], emits: 'AppraisalAcknowledged' },
};

const run = (commands: readonly unknown[]) => {
  const history: AppraisalEvent[] = [];
  const steps: { before: AppraisalState; raw: unknown; decision: E.Either<{ code: string; message: string }, readonly AppraisalEvent[]> }[] = [];
  let state = initialState;
  for (const raw of commands) {
    const decision = spec.given(history).when(raw).decision() as E.Either<{ code: string; message: string }, readonly AppraisalEvent[]>;
    steps.push({ before: state, raw, decision });
    if (E.isRight(decision)) {
      for (const event of decision.right) {
        history.push(event);
        state = evolve(state, event);
      }
    }
  }
  return { history, steps, state };
};

const checkAccepted = (before: AppraisalState, raw: unknown, events: readonly AppraisalEvent[]) => {
  const command = AppraisalCommand.parse(raw);
  const rule = rules[command.type];
  expect(events.map((event) => event.type)).toEqual([rule.emits]);
  expect(rule.from).toContain(before.status);
  expect(command.metadata.actor.role).not.toBe('Auditor');
  for (const event of events) expect(event.data.appraisalId).toBe(command.data.appraisalId);
  if (before.status !== 'Completed') return;
  if (command.type === 'ProposeRecommendation') expect(before.openRecommendation).toBeUndefined();
  if (command.type === 'DecideRecommendation') {
    expect(before.openRecommendation).toBeDefined();
    const [event] = events;
    expect(event?.type === 'RecommendationDecided' && event.data.kind).toBe(before.openRecommendation?.kind);
  }
  if (command.type === 'AcknowledgeAppraisal') {
    expect(before.acknowledged).toBe(false);
    expect(command.metadata.actor).toEqual({ id: before.employeeId, role: 'AfterSalesSpecialist' });
  }
};

describe('Appraisal properties', () => {
  const commands = arbitraryAppraisalCommands();

  // Hundreds of generated sequences, each command decoded and checked: several seconds on a busy machine.
  it('any command sequence never throws, refuses with a known code and emits only what the rules allow', () => {
    const reached = new Set<string>();
    fc.assert(
      fc.property(commands, (sequence) => {
        const { steps, history } = run(sequence);
        for (const step of steps) {
          if (E.isLeft(step.decision)) {
            expect(['InvalidTransition', 'Forbidden', 'InvalidCommand']).toContain(step.decision.left.code);
            expect(step.decision.left.message.length).toBeGreaterThan(0);
          } else {
            checkAccepted(step.before, step.raw, step.decision.right);
          }
        }
        // Completion fixes the result: the completed rating is the last one scored, and nothing re-scores it.
        const completedAt = history.findIndex((event) => event.type === 'AppraisalCompleted');
        if (completedAt >= 0) {
          const lastScore = history.slice(0, completedAt).findLast((event) => event.type === 'AppraisalScored');
          const completed = history[completedAt];
          expect(completed?.type === 'AppraisalCompleted' && { rating: completed.data.rating, competent: completed.data.competent }).toEqual(
            lastScore?.type === 'AppraisalScored' && { rating: lastScore.data.rating, competent: lastScore.data.competent },
          );
          expect(history.slice(completedAt).some((event) => event.type === 'AppraisalScored')).toBe(false);
        }
        for (const event of history) reached.add(event.type);
      }),
      { numRuns: 400 },
    );
    expect([...reached].sort()).toEqual([...appraisalEventTypes].sort());
  }, 30_000);

  it('folds to the same state however often it is replayed, also after a trip through JSON', () => {
    fc.assert(
      fc.property(commands, (sequence) => {
        const { history, state } = run(sequence);
        expect(fold(appraisal.decider, history)).toEqual(state);
        expect(fold(appraisal.decider, history)).toEqual(fold(appraisal.decider, history));
        const decoded = (JSON.parse(JSON.stringify(history)) as unknown[]).map((event) => EventSchema.parse(event));
        expect(fold(appraisal.decider, decoded)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('evolve folds events in any order without throwing, so a replay never stops half-way', () => {
    const event: fc.Arbitrary<AppraisalEvent> = fc.oneof(
      fc.constant(appraisalEvents.planned()),
      fc.constantFrom('A', 'D').map((rating) => appraisalEvents.scored(rating)),
      fc.constant(appraisalEvents.completed()),
      fc.constant(appraisalEvents.proposed()),
      fc.boolean().map((approved) => appraisalEvents.decided('reward', approved)),
      fc.constant(appraisalEvents.acknowledged()),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 20 }), (events) => {
        const state = fold(appraisal.decider, events);
        expect(['New', 'Planned', 'Scored', 'Completed']).toContain(state.status);
      }),
    );
  });
});
