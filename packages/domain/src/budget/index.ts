import type { AggregateDefinition } from '@aftersales/core';
import { authorizeRoles } from '../shared/roles.js';
import type { BudgetCommand as Command } from './commands.js';
import { BudgetCommand, budgetCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { BudgetEvent as Event } from './events.js';
import { BudgetEvent } from './events.js';
import { evolve } from './evolve.js';
import type { BudgetState } from './state.js';
import { initialBudgetState } from './state.js';

export { BudgetCommand, BudgetLine, budgetCommandTypes } from './commands.js';
export type { BudgetCommandType } from './commands.js';
export { BudgetEvent } from './events.js';
export type { BudgetEventType } from './events.js';
export type { ActiveLine, BudgetState, BudgetStatus, PlannedBudget, RunningBudget } from './state.js';
export type { Expense, ExpenseLedger, LedgerLog } from './expense-ledger.js';
export { expenseIn, expensesIn, ledgerWork } from './expense-ledger.js';
export { initialBudgetState } from './state.js';

/**
 * Who may send each budget command at all. Who decides a given claim (the department manager, or the
 * general manager for a department manager's own claim, never the claimant) is checked on the state.
 */
export const budgetRoles = {
  DraftBudget: ['DepartmentManager'],
  SubmitBudget: ['DepartmentManager'],
  ReviewBudget: ['Finance'],
  ApproveBudget: ['GeneralManager'],
  ClaimExpense: ['AfterSalesSpecialist', 'DepartmentManager'],
  ApproveExpense: ['DepartmentManager', 'GeneralManager'],
  RejectExpense: ['DepartmentManager', 'GeneralManager'],
  AdjustLine: ['GeneralManager'],
  CloseBudget: ['Finance'],
} as const;

/** The department's budget (部门预算): drafted, reviewed by finance, approved, spent by approved claims, closed. */
export const budget: AggregateDefinition<Command, Event, BudgetState> = {
  name: 'Budget',
  commandSchema: BudgetCommand,
  eventSchema: BudgetEvent,
  commandTypes: budgetCommandTypes,
  streamId: (command) => `Budget-${command.data.budgetId}`,
  authorize: authorizeRoles<Command>(budgetRoles),
  decider: { initialState: initialBudgetState, decide, evolve },
};
