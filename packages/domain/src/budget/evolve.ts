import { match } from 'ts-pattern';
import type { BudgetEvent } from './events.js';
import { emptyLedger, expenseIn, recordExpense } from './expense-ledger.js';
import type { ExpenseLedger } from './expense-ledger.js';
import type { ActiveLine, BudgetState, Expense } from './state.js';

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

export const evolve = (state: BudgetState, event: BudgetEvent): BudgetState =>
  match(event)
    .returnType<BudgetState>()
    .with({ type: 'BudgetDrafted' }, ({ data }) =>
      state.status === 'Initial' || state.status === 'Returned'
        ? { status: 'Drafted', budgetId: data.budgetId, fiscalYear: data.fiscalYear, lines: data.lines }
        : state,
    )
    .with({ type: 'BudgetSubmitted' }, () => (state.status === 'Drafted' ? { ...state, status: 'Submitted' } : state))
    .with({ type: 'BudgetReviewed' }, ({ data }) => {
      if (state.status !== 'Submitted') return state;
      const { budgetId, fiscalYear, lines } = state;
      return data.approved
        ? { status: 'Reviewed', budgetId, fiscalYear, lines }
        : { status: 'Returned', budgetId, fiscalYear, lines, comments: data.comments };
    })
    .with({ type: 'BudgetApproved' }, ({ data }) =>
      state.status === 'Reviewed'
        ? {
            status: 'Active',
            budgetId: state.budgetId,
            fiscalYear: state.fiscalYear,
            lines: data.lines.map((line) => ({
              category: line.category,
              originalAmount: line.amount,
              amount: line.amount,
              approvedSpend: 0,
            })),
            expenses: emptyLedger(),
          }
        : state,
    )
    .with({ type: 'ExpenseClaimed' }, ({ data }) =>
      whenActive(state, (active) => ({
        ...active,
        expenses: recordExpense(active.expenses, {
          expenseId: data.expenseId,
          category: data.category,
          amount: data.amount,
          claimantId: data.claimantId,
          ...(data.claimantRole === undefined ? {} : { claimantRole: data.claimantRole }),
          status: 'Pending',
        }),
      })),
    )
    .with({ type: 'ExpenseApproved' }, ({ data }) =>
      whenActive(state, (active) => ({
        ...active,
        lines: updateLine(active.lines, data.category, (line) => ({
          ...line,
          approvedSpend: line.approvedSpend + data.amount,
        })),
        expenses: updateExpense(active.expenses, data.expenseId, 'Approved'),
      })),
    )
    .with({ type: 'ExpenseRejected' }, ({ data }) =>
      whenActive(state, (active) => ({ ...active, expenses: updateExpense(active.expenses, data.expenseId, 'Rejected') })),
    )
    .with({ type: 'LineAdjusted' }, ({ data }) =>
      whenActive(state, (active) => ({
        ...active,
        lines: updateLine(active.lines, data.category, (line) => ({ ...line, amount: data.amount })),
      })),
    )
    .with({ type: 'BudgetClosed' }, () => whenActive(state, (active) => ({ ...active, status: 'Closed' })))
    .exhaustive();
