import type { BudgetEvent } from './events.js';
import { emptyLedger, expenseIn, recordExpense } from './expense-ledger.js';
import type { ExpenseLedger } from './expense-ledger.js';
import type { Expense } from './expense-ledger.js';
import type { ActiveLine, BudgetState } from './state.js';

type Active = Extract<BudgetState, { readonly status: 'Active' }>;

/** Applies a change to an active budget; an event that does not fit the state leaves it as it is, so replay stays total. */
const whenActive = (state: BudgetState, change: (active: Active) => BudgetState): BudgetState =>
  state.status === 'Active' ? change(state) : state;

const updateLine = (lines: readonly ActiveLine[], category: string, change: (line: ActiveLine) => ActiveLine) =>
  lines.map((line) => (line.category === category ? change(line) : line));

const updateExpense = (expenses: ExpenseLedger, expenseId: string, status: Expense['status']): ExpenseLedger => {
  const expense = expenseIn(expenses, expenseId);
  return expense === undefined ? expenses : recordExpense(expenses, { ...expense, status });
};

/**
 * Folds one event. A `switch` rather than a pattern match: a budget may replay tens of thousands of
 * claims, and this is the loop they all go through.
 */
export const evolve = (state: BudgetState, event: BudgetEvent): BudgetState => {
  switch (event.type) {
    case 'BudgetDrafted': {
      const { data } = event;
      return state.status === 'Initial' || state.status === 'Returned'
        ? { status: 'Drafted', budgetId: data.budgetId, fiscalYear: data.fiscalYear, lines: data.lines }
        : state;
    }
    case 'BudgetSubmitted':
      return state.status === 'Drafted' ? { ...state, status: 'Submitted' } : state;
    case 'BudgetReviewed': {
      if (state.status !== 'Submitted') return state;
      const { budgetId, fiscalYear, lines } = state;
      return event.data.approved
        ? { status: 'Reviewed', budgetId, fiscalYear, lines }
        : { status: 'Returned', budgetId, fiscalYear, lines, comments: event.data.comments };
    }
    case 'BudgetApproved':
      return state.status === 'Reviewed'
        ? {
            status: 'Active',
            budgetId: state.budgetId,
            fiscalYear: state.fiscalYear,
            lines: event.data.lines.map((line) => ({
              category: line.category,
              originalAmount: line.amount,
              amount: line.amount,
              approvedSpend: 0,
            })),
            expenses: emptyLedger(),
          }
        : state;
    case 'ExpenseClaimed': {
      const { data } = event;
      return whenActive(state, (active) => ({
        ...active,
        expenses: recordExpense(active.expenses, {
          expenseId: data.expenseId,
          category: data.category,
          amount: data.amount,
          claimantId: data.claimantId,
          ...(data.claimantRole === undefined ? {} : { claimantRole: data.claimantRole }),
          status: 'Pending',
        }),
      }));
    }
    case 'ExpenseApproved': {
      const { data } = event;
      return whenActive(state, (active) => ({
        ...active,
        lines: updateLine(active.lines, data.category, (line) => ({ ...line, approvedSpend: line.approvedSpend + data.amount })),
        expenses: updateExpense(active.expenses, data.expenseId, 'Approved'),
      }));
    }
    case 'ExpenseRejected':
      return whenActive(state, (active) => ({ ...active, expenses: updateExpense(active.expenses, event.data.expenseId, 'Rejected') }));
    case 'LineAdjusted': {
      const { data } = event;
      return whenActive(state, (active) => ({
        ...active,
        lines: updateLine(active.lines, data.category, (line) => ({ ...line, amount: data.amount })),
      }));
    }
    case 'BudgetClosed':
      return whenActive(state, (active) => ({ ...active, status: 'Closed' }));
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
};
