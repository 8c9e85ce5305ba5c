import type { BudgetLine } from './commands.js';
import type { ExpenseLedger } from './expense-ledger.js';

/** A line of an active budget: its approved (original) amount, its amount now, and what has been approved against it. */
export interface ActiveLine {
  readonly category: string;
  readonly originalAmount: number;
  readonly amount: number;
  readonly approvedSpend: number;
}

export interface PlannedBudget {
  readonly budgetId: string;
  readonly fiscalYear: number;
  readonly lines: readonly BudgetLine[];
}

export interface RunningBudget {
  readonly budgetId: string;
  readonly fiscalYear: number;
  readonly lines: readonly ActiveLine[];
  /** Every claim ever made on the budget, by expense id, so that an id is never reused (see `expenseIn`). */
  readonly expenses: ExpenseLedger;
}

/**
 * The life of a department budget (部门预算): drafted by the manager, reviewed by finance (which may
 * return it for a redraft), approved by the general manager, then active until finance closes it.
 */
export type BudgetState =
  | { readonly status: 'Initial' }
  | (PlannedBudget & { readonly status: 'Drafted' })
  | (PlannedBudget & { readonly status: 'Submitted' })
  | (PlannedBudget & { readonly status: 'Reviewed' })
  | (PlannedBudget & { readonly status: 'Returned'; readonly comments: string })
  | (RunningBudget & { readonly status: 'Active' })
  | (RunningBudget & { readonly status: 'Closed' });

export type BudgetStatus = BudgetState['status'];

export const initialBudgetState: BudgetState = { status: 'Initial' };
