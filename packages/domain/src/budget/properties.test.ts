import { fold } from '@aftersales/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { activeBudgetHistory, arbitraryBudgetStep, budgetStep, draftedAt, expenseApproved, expenseClaimed } from '../testing/budget.js';
import type { BudgetEvent, BudgetEventType, BudgetState, BudgetStatus } from './index.js';
import { BudgetEvent as BudgetEventSchema, budget } from './index.js';

const { decider } = budget;

/** DOMAIN.md's sequence, written out independently of the decider: which events may follow each status. */
const allowed: { readonly [S in BudgetStatus]: readonly BudgetEventType[] } = {
  Initial: ['BudgetDrafted'],
  Drafted: ['BudgetSubmitted'],
  Submitted: ['BudgetReviewed'],
  Returned: ['BudgetDrafted'],
  Reviewed: ['BudgetApproved'],
  Active: ['ExpenseClaimed', 'ExpenseApproved', 'ExpenseRejected', 'LineAdjusted', 'BudgetClosed'],
  Closed: [],
};

const reached = new Set<string>();

/**
 * Runs a scenario through decode, authorize and decide, checking every decision on the way against
 * line figures kept here from the events alone.
 */
const run = (steps: readonly Parameters<typeof budgetStep>[0][]) => {
  let state: BudgetState = decider.initialState;
  const history: BudgetEvent[] = [];
  const lineAmount = new Map<string, number>();
  const approvedSpend = new Map<string, number>();
  const claims = new Map<string, { category: string; amount: number; claimantId: string; decided: boolean }>();
  for (const [index, step] of steps.entries()) {
    const at = new Date(Date.parse(draftedAt) + index * 3_600_000).toISOString();
    const raw = budgetStep(step, state, at);
    const decoded = budget.commandSchema.safeParse(raw);
    if (!decoded.success) continue;
    const command = decoded.data;
    const authorized = budget.authorize(command);
    if (E.isLeft(authorized)) {
      expect(authorized.left.code).toBe('Forbidden');
      continue;
    }
    const decision = decider.decide(command, state);
    if (E.isLeft(decision)) {
      expect(['InvalidTransition', 'Forbidden', 'InvalidCommand', 'OverBudget']).toContain(decision.left.code);
      expect(decision.left.message).toContain(`budget ${command.data.budgetId}`);
      reached.add(decision.left.code);
      continue;
    }
    for (const event of decision.right) {
      expect(allowed[state.status]).toContain(event.type);
      if (event.type === 'BudgetApproved') for (const line of event.data.lines) lineAmount.set(line.category, line.amount);
      if (event.type === 'LineAdjusted') lineAmount.set(event.data.category, event.data.amount);
      if (event.type === 'ExpenseClaimed') {
        expect(claims.has(event.data.expenseId)).toBe(false);
        expect(lineAmount.has(event.data.category)).toBe(true);
        claims.set(event.data.expenseId, { ...event.data, decided: false });
      }
      if (event.type === 'ExpenseApproved' || event.type === 'ExpenseRejected') {
        const claim = claims.get(event.data.expenseId);
        expect(claim?.decided).toBe(false);
        claims.set(event.data.expenseId, { ...claim!, decided: true });
      }
      if (event.type === 'ExpenseApproved') {
        expect(command.metadata.actor.id).not.toBe(claims.get(event.data.expenseId)?.claimantId);
        approvedSpend.set(event.data.category, (approvedSpend.get(event.data.category) ?? 0) + event.data.amount);
      }
      for (const [category, amount] of lineAmount) expect(approvedSpend.get(category) ?? 0).toBeLessThanOrEqual(amount);
      if (event.type === 'BudgetClosed') {
        expect(event.data.lines.map((line) => [line.category, line.amount, line.approvedSpend])).toEqual(
          [...lineAmount].map(([category, amount]) => [category, amount, approvedSpend.get(category) ?? 0]),
        );
      }
      state = decider.evolve(state, event);
      history.push(event);
      reached.add(state.status);
    }
  }
  return { state, history };
};

const scenarios = fc.array(arbitraryBudgetStep(), { minLength: 5, maxLength: 80 });

describe('a budget, under any sequence of commands from anyone', () => {
  afterAll(() => {
    // A property only says something if the scenarios reach every state and every kind of refusal.
    expect([...reached].sort()).toEqual(
      ['Active', 'Closed', 'Drafted', 'Forbidden', 'InvalidCommand', 'InvalidTransition', 'OverBudget', 'Returned', 'Reviewed', 'Submitted'],
    );
  });

  // 400 scenarios, each command decoded twice: several seconds on a busy machine.
  it('never throws, only takes the steps the state machine allows, and never approves past a line', () => {
    fc.assert(fc.property(scenarios, (steps) => void run(steps)), { numRuns: 400 });
  }, 30_000);

  it('keeps every line’s approved spend within its amount, in the state as well', () => {
    fc.assert(
      fc.property(scenarios, (steps) => {
        const { state } = run(steps);
        if (state.status === 'Active' || state.status === 'Closed') {
          for (const line of state.lines) expect(line.approvedSpend).toBeLessThanOrEqual(line.amount);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('folds to the same state however often its events are replayed, also after a round trip through JSON', () => {
    fc.assert(
      fc.property(scenarios, (steps) => {
        const { state, history } = run(steps);
        expect(fold(decider, history)).toEqual(state);
        expect(fold(decider, history)).toEqual(fold(decider, history));
        const reread = JSON.parse(JSON.stringify(history)).map((event: unknown) => BudgetEventSchema.parse(event));
        expect(fold(decider, reread)).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });

  it('folds any order of its events without throwing, so a replay never stops half-way', () => {
    const events = fc.array(
      fc.constantFrom(...activeBudgetHistory, expenseClaimed('EX-1', 'materials', 10), expenseApproved('EX-1', 'materials', 10), expenseApproved('EX-9', 'travel', 10)),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(events, (history) => {
        const state = fold(decider, history);
        expect(Object.keys(allowed)).toContain(state.status);
      }),
    );
  });
});
