import type { Actor } from '@aftersales/core';
import fc from 'fast-check';
import type {
  BudgetCommand,
  BudgetCommandType,
  BudgetEvent,
  BudgetEventType,
  BudgetState,
  BudgetStatus,
} from '../budget/index.js';
import { budgetRoles } from '../budget/index.js';
import { asIdPart } from './ids.js';
import type { CommandMetadataOptions } from './state-machine.js';

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

/**
 * A raw budget command as JSON would carry it: the happy-path data of its type for `BG-2026`,
 * overridden by `data`, sent by the type's usual actor. Data is loosely typed so that tests can
 * send what validation must refuse.
 */
export const budgetCommand = <T extends BudgetCommandType>(
  type: T,
  data: Partial<Record<keyof DataOf<T>, unknown>> & Record<string, unknown> = {},
  actor?: Actor,
  metadata: CommandMetadataOptions = {},
) => ({
  type,
  data: { ...budgetData[type], ...data },
  metadata: {
    commandId: metadata.commandId ?? `${type}-${String(data['budgetId'] ?? budgetId)}-${String(data['expenseId'] ?? '')}-${asIdPart(metadata.at ?? draftedAt)}`,
    actor: actor ?? defaultBudgetActor(type),
    at: metadata.at ?? draftedAt,
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
  /** The role the claim was made in; undefined for a claim recorded before the role was kept. */
  claimantRole: string | undefined = 'AfterSalesSpecialist',
): BudgetEvent => ({
  type: 'ExpenseClaimed',
  data: { budgetId, expenseId, category, amount, description: '材料', claimantId, ...(claimantRole === undefined ? {} : { claimantRole }) },
});

export const expenseApproved = (expenseId: string, category: string, amount: number): BudgetEvent => ({
  type: 'ExpenseApproved',
  data: { budgetId, expenseId, category, amount },
});

const roles = ['GeneralManager', 'DepartmentManager', 'AfterSalesSpecialist', 'Finance', 'BusinessEndpoint', 'Auditor'] as const;
const actorIds = ['DM-01', 'DM-02', 'SP-01', 'SP-02', 'GM-01', 'FIN-01', 'EP-01', 'AU-01'] as const;
const commandTypes = Object.keys(budgetData) as BudgetCommandType[];
const expenseIds = ['EX-1', 'EX-2', 'EX-3', 'EX-4', 'EX-5', 'EX-6'] as const;
const categories = ['materials', 'tools', 'travel'] as const;

/**
 * One step of a generated scenario, interpreted against the budget's state by `budgetStep`: `next`
 * takes a step the budget could take now (claims, approvals that may overrun a line, adjustments up
 * and down, a manager approving his own claim…), `any` sends any command type from any role, now and
 * then with invalid data.
 */
export interface BudgetStep {
  readonly mode: 'next' | 'any';
  readonly pick: number;
  readonly variant: number;
  readonly amount: number;
}

export const arbitraryBudgetStep = (): fc.Arbitrary<BudgetStep> =>
  fc.record({
    mode: fc.constantFrom('next', 'next', 'next', 'next', 'any'),
    pick: fc.nat(),
    variant: fc.nat(),
    amount: fc.integer({ min: 0, max: 120_000 }),
  });

const nextTypes: { readonly [S in BudgetStatus]: readonly BudgetCommandType[] } = {
  Initial: ['DraftBudget'],
  Drafted: ['SubmitBudget'],
  Submitted: ['ReviewBudget'],
  Returned: ['DraftBudget'],
  Reviewed: ['ApproveBudget'],
  Active: [
    ...Array<BudgetCommandType>(4).fill('ClaimExpense'),
    ...Array<BudgetCommandType>(4).fill('ApproveExpense'),
    'RejectExpense',
    'AdjustLine',
    'AdjustLine',
    ...Array<BudgetCommandType>(9).fill('ClaimExpense'),
    ...Array<BudgetCommandType>(9).fill('ApproveExpense'),
    'CloseBudget',
  ],
  Closed: commandTypes,
};

const pickOf = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

/** Turns a generated step into a raw command for `BG-2026` at `at`, given the budget's state. */
export const budgetStep = (step: BudgetStep, state: BudgetState, at: string) => {
  const type = step.mode === 'next' ? pickOf(nextTypes[state.status], step.pick) : pickOf(commandTypes, step.pick);
  const data: Record<string, unknown> = {
    ...(type === 'DraftBudget'
      ? { lines: budgetLines.slice(0, 1 + (step.variant % 2)).map((line) => ({ ...line, amount: step.amount })) }
      : {}),
    ...(type === 'ReviewBudget'
      ? step.variant % 3 === 0
        ? { approved: false, comments: 'too high' }
        : { approved: true, comments: '' }
      : {}),
    ...(type === 'ClaimExpense' || type === 'ApproveExpense' || type === 'RejectExpense'
      ? { expenseId: pickOf(expenseIds, step.variant) }
      : {}),
    ...(type === 'ClaimExpense' || type === 'AdjustLine'
      ? { category: pickOf(categories, Math.floor(step.variant / 6)), amount: Math.max(type === 'ClaimExpense' ? 1 : 0, Math.floor(step.amount / 2)) }
      : {}),
  };
  if (step.mode === 'next') {
    const actor =
      type === 'ClaimExpense'
        ? step.variant % 5 === 0
          ? budgetManagerActor
          : claimantActor()
        : defaultBudgetActor(type);
    return budgetCommand(type, data, actor, { at, commandId: `${type}-${asIdPart(at)}` });
  }
  const actor = { id: pickOf(actorIds, step.variant), role: pickOf(roles, Math.floor(step.variant / 8)) };
  const invalid =
    step.variant % 5 === 0 ? { amount: step.amount + 0.5 } : step.variant % 5 === 1 ? { amount: -step.amount - 1 } : {};
  return budgetCommand(type, { ...data, ...invalid }, actor, { at, commandId: `${type}-${asIdPart(at)}` });
};
