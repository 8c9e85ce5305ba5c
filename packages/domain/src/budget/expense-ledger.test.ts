import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeBudgetHistory, expenseApproved, expenseClaimed } from '../testing/budget.js';
import { expenseIn, expensesIn, ledgerWork } from './expense-ledger.js';
import type { BudgetEvent, BudgetState } from './index.js';
import { budget } from './index.js';

const { evolve, initialState } = budget.decider;

/** An active budget's claims: `claims` claims, every `approveEvery`-th approved once claimed. */
const claimFlood = (claims: number, approveEvery: number): BudgetEvent[] => {
  const events: BudgetEvent[] = [...activeBudgetHistory];
  for (let n = 1; n <= claims; n += 1) {
    events.push(expenseClaimed(`EX-${n}`, 'materials', 1));
    if (n % approveEvery === 0) events.push(expenseApproved(`EX-${n}`, 'materials', 1));
  }
  return events;
};

const foldAll = (events: readonly BudgetEvent[]): BudgetState => events.reduce(evolve, initialState);

const ledgerOf = (state: BudgetState) => {
  if (state.status !== 'Active' && state.status !== 'Closed') throw new Error(`expected an active budget, got ${state.status}`);
  return state.expenses;
};

describe('the expense ledger of a budget', () => {
  it('property: a replay of n claims records one entry per claim or decision and copies nothing, so its work grows linearly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 5 }), (claims, approveEvery) => {
        const ledger = ledgerOf(foldAll(claimFlood(claims, approveEvery)));
        const decisions = Math.floor(claims / approveEvery);
        expect(ledgerWork(ledger)).toEqual({ entries: claims + decisions, copied: 0 });
        expect(expensesIn(ledger)).toHaveLength(claims);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps every earlier state as it was: a state evolved again from an older one forks, copying only what that state saw', () => {
    const events = claimFlood(10, 2);
    const states: BudgetState[] = [];
    let state = initialState;
    for (const event of events) states.push((state = evolve(state, event)));
    const older = states[activeBudgetHistory.length + 3]!;
    const seenByOlder = ledgerWork(ledgerOf(older)).entries;
    const branch = evolve(older, expenseClaimed('EX-99', 'materials', 7));
    // The newest state still sees its own claims and not the branch's, and the older one is unchanged.
    expect(expenseIn(ledgerOf(state), 'EX-99')).toBeUndefined();
    expect(expenseIn(ledgerOf(older), 'EX-99')).toBeUndefined();
    expect(expenseIn(ledgerOf(branch), 'EX-99')).toMatchObject({ status: 'Pending', amount: 7 });
    expect(expenseIn(ledgerOf(branch), 'EX-10')).toBeUndefined();
    expect(expenseIn(ledgerOf(state), 'EX-2')).toMatchObject({ status: 'Approved' });
    expect(ledgerWork(ledgerOf(branch))).toEqual({ entries: seenByOlder + 1, copied: seenByOlder });
    expect(foldAll(events)).toEqual(state);
  });

  it('property: any interleaving of claims, decisions and branches answers like a plain map copied at every step', () => {
    const step = fc.oneof(
      fc.record({ kind: fc.constant('claim' as const), id: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('approve' as const), id: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('reject' as const), id: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ kind: fc.constant('branch' as const), back: fc.nat(30) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let states: { state: BudgetState; model: Map<string, string> }[] = [{ state: foldAll(activeBudgetHistory), model: new Map() }];
        for (const next of steps) {
          const { state, model } = states.at(-1)!;
          if (next.kind === 'branch') {
            states = [...states, states[Math.max(0, states.length - 1 - next.back)]!];
            continue;
          }
          const id = `EX-${next.id}`;
          const event: BudgetEvent =
            next.kind === 'claim'
              ? expenseClaimed(id, 'materials', 1)
              : next.kind === 'approve'
                ? expenseApproved(id, 'materials', 1)
                : { type: 'ExpenseRejected', data: { budgetId: 'BG-2026', expenseId: id, reason: '无' } };
          const known = model.has(id);
          const updated = new Map(model);
          // Mirrors evolve: a claim records (or re-records) a pending expense; a decision changes a known one.
          if (next.kind === 'claim') updated.set(id, 'Pending');
          else if (known) updated.set(id, next.kind === 'approve' ? 'Approved' : 'Rejected');
          states.push({ state: evolve(state, event), model: updated });
        }
        for (const { state, model } of states) {
          const ledger = ledgerOf(state);
          for (let n = 1; n <= 20; n += 1) expect(expenseIn(ledger, `EX-${n}`)?.status).toBe(model.get(`EX-${n}`));
        }
      }),
    );
  });
});
