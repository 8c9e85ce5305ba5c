import type { Actor } from '@aftersales/core';
import type { BudgetCommand, BudgetCommandType, BudgetEvent, BudgetEventType } from '../budget/index.js';
import { budgetRoles } from '../budget/index.js';

export const budgetId = 'BG-2026';
export const fiscalYear = 2026;
export const draftedAt = '2026-01-05T09:00:00+08:00';
export const budgetLines = [
  { category: 'materials', amount: 100_000 },
  { category: 'tools', amount: 50_000 },
] as const;

export const budgetManagerActor: Actor = { id: 'DM-01', role: 'DepartmentManager' };
export const generalManagerActor: Actor = { id: 'GM-01', role: 'GeneralManager' };
export const financeActor: Actor = { id: 'FIN-01', role: 'Finance' };
export const claimantActor = (id = 'SP-01'): Actor => ({ id, role: 'AfterSalesSpecialist' });

type DataOf<T extends BudgetCommandType> = Extract<BudgetCommand, { type: T }>['data'];

/** Data that each command type accepts for `BG-2026` on its happy path. */
export const budgetData: { readonly [T in BudgetCommandType]: DataOf<T> } = {
  DraftBudget: { budgetId, fiscalYear, lines: budgetLines.map((line) => ({ ...line })) },
  SubmitBudget: { budgetId },
  ReviewBudget: { budgetId, approved: true, comments: '' },
  ApproveBudget: { budgetId },
  ClaimExpense: { budgetId, expenseId: 'EX-1', category: 'materials', amount: 30_000, description: '缝纫线与纽扣' },
  ApproveExpense: { budgetId, expenseId: 'EX-1' },
  RejectExpense: { budgetId, expenseId: 'EX-1', reason: 'no receipt' },
  AdjustLine: { budgetId, category: 'tools', amount: 60_000, reason: 'a second steam iron' },
  CloseBudget: { budgetId },
};

/** Who sends each command type on the happy path; claims come from a specialist, approvals from the manager. */
export const defaultBudgetActor = (type: BudgetCommandType): Actor => {
  const role = budgetRoles[type][0];
  if (role === 'AfterSalesSpecialist') return claimantActor();
  if (role === 'GeneralManager') return generalManagerActor;
  if (role === 'Finance') return financeActor;
  return budgetManagerActor;
};

export interface CommandOptions {
  readonly actor?: Actor;
  readonly at?: string;
  readonly commandId?: string;
}

/**
 * A raw budget command as JSON would carry it: the happy-path data of its type for `BG-2026`,
 * overridden by `data`, sent by the type's usual actor. Data is loosely typed so that tests can
 * send what validation must refuse.
 */
export const budgetCommand = <T extends BudgetCommandType>(
  type: T,
  data: Partial<Record<keyof DataOf<T>, unknown>> & Record<string, unknown> = {},
  options: CommandOptions = {},
) => ({
  type,
  data: { ...budgetData[type], ...data },
  metadata: {
    commandId: options.commandId ?? `${type}-${String(data['budgetId'] ?? budgetId)}-${String(data['expenseId'] ?? '')}-${options.at ?? draftedAt}`,
    actor: options.actor ?? defaultBudgetActor(type),
    at: options.at ?? draftedAt,
  },
});

const lines = budgetLines.map((line) => ({ ...line }));

/** `BG-2026` up to the general manager's approval: an active budget with nothing spent. */
export const activeBudgetHistory: readonly BudgetEvent[] = [
  { type: 'BudgetDrafted', data: { budgetId, fiscalYear, lines } },
  { type: 'BudgetSubmitted', data: { budgetId } },
  { type: 'BudgetReviewed', data: { budgetId, approved: true, comments: '' } },
  { type: 'BudgetApproved', data: { budgetId, lines } },
];

/** `BG-2026`'s events up to and including the first of this type on the way to an active budget. */
export const budgetHistoryThrough = (type: Extract<BudgetEventType, 'BudgetDrafted' | 'BudgetSubmitted' | 'BudgetReviewed' | 'BudgetApproved'>) =>
  activeBudgetHistory.slice(0, activeBudgetHistory.findIndex((event) => event.type === type) + 1);

export const expenseClaimed = (
  expenseId: string,
  category: string,
  amount: number,
  claimantId = 'SP-01',
): BudgetEvent => ({
  type: 'ExpenseClaimed',
  data: { budgetId, expenseId, category, amount, description: '材料', claimantId },
});

export const expenseApproved = (expenseId: string, category: string, amount: number): BudgetEvent => ({
  type: 'ExpenseApproved',
  data: { budgetId, expenseId, category, amount },
});
