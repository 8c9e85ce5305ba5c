import { forbidden, invalidCommand } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { unreachable } from '../shared/unreachable.js';
import type { DepartmentError, OverBudget } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import type { BudgetCommand } from './commands.js';
import { expenseIn } from './expense-ledger.js';
import type { BudgetEvent } from './events.js';
import type { Expense } from './expense-ledger.js';
import type { BudgetState, BudgetStatus } from './state.js';

type Decision = E.Either<DepartmentError, readonly BudgetEvent[]>;
type InStatus<S extends BudgetStatus> = Extract<BudgetState, { readonly status: S }>;

const accept = (...events: BudgetEvent[]): Decision => E.right(events);

const inStatus = <S extends BudgetStatus>(state: BudgetState, statuses: readonly S[]): state is InStatus<S> =>
  (statuses as readonly BudgetStatus[]).includes(state.status);

const describe = (state: BudgetState): string => {
  switch (state.status) {
    case 'Initial': {
      return 'does not exist';
    }
    case 'Closed': {
      return 'is Closed and accepts nothing more';
    }
    default: {
      const { status } = state;
      return `is ${status}`;
    }
  }
};

const refuse = (command: BudgetCommand, state: BudgetState, expected: string): Decision =>
  E.left(invalidTransition(`${command.type} refused: budget ${command.data.budgetId} ${describe(state)}; expected ${expected}`));

const invalidField = (command: BudgetCommand, field: string, problem: string): Decision =>
  E.left(
    invalidCommand(
      [{ path: `data.${field}`, message: problem }],
      `${command.type} refused for budget ${command.data.budgetId}: data.${field} ${problem}`,
    ),
  );

const overBudget = (
  budgetId: string,
  expenseId: string,
  line: { readonly category: string; readonly amount: number; readonly approvedSpend: number },
  requested: number,
): OverBudget => ({
  code: 'OverBudget',
  message: `ApproveExpense refused: expense ${expenseId} of ${requested} fen would bring line ${line.category} of budget ${budgetId} to ${line.approvedSpend + requested} fen, over its ${line.amount} fen (${line.approvedSpend} fen already approved)`,
  category: line.category,
  lineAmount: line.amount,
  approvedSpend: line.approvedSpend,
  requested,
});

/**
 * Who decides a claim: the general manager for a department manager's own claim, the department
 * manager for any other (and for claims recorded before the claimant's role was kept).
 */
const deciderRoleFor = (expense: Expense): string =>
  expense.claimantRole === 'DepartmentManager' ? 'GeneralManager' : 'DepartmentManager';

/** The pending claim an `ApproveExpense` or `RejectExpense` decides, or why this actor may not decide it. */
const claimToDecide = (
  command: Extract<BudgetCommand, { type: 'ApproveExpense' | 'RejectExpense' }>,
  state: InStatus<'Active'>,
): E.Either<DepartmentError, Expense> => {
  const expense = expenseIn(state.expenses, command.data.expenseId);
  if (expense === undefined || expense.status !== 'Pending') {
    return E.left(
      invalidTransition(
        `${command.type} refused: expense ${command.data.expenseId} on budget ${state.budgetId} ${expense === undefined ? 'was never claimed' : `is ${expense.status}`}; expected a Pending claim`,
      ),
    );
  }
  const { actor } = command.metadata;
  const deciderRole = deciderRoleFor(expense);
  if (actor.role !== deciderRole) {
    return E.left(
      forbidden(
        `${command.type} refused: role ${actor.role} may not decide expense ${expense.expenseId} on budget ${state.budgetId}, claimed by ${expense.claimantRole ?? 'a specialist'} ${expense.claimantId}; the ${deciderRole} decides it`,
      ),
    );
  }
  if (expense.claimantId === actor.id) {
    return E.left(
      forbidden(
        `${command.type} refused: ${actor.id} claimed expense ${expense.expenseId} on budget ${state.budgetId} and may not decide their own claim`,
      ),
    );
  }
  return E.right(expense);
};

const categories = (lines: readonly { readonly category: string }[]) => lines.map((line) => line.category).join(', ');

/** Decides one command against the budget's state: the events it produces, or why it is refused. */
export const decide = (command: BudgetCommand, state: BudgetState): Decision => {
  switch (command.type) {
    case 'DraftBudget': {
      if (!inStatus(state, ['Initial', 'Returned'])) {
        return refuse(command, state, 'a new budget id, or a budget Returned by finance for a redraft');
      }
      if (state.status === 'Returned' && command.data.fiscalYear !== state.fiscalYear) {
        return invalidField(command, 'fiscalYear', `(${command.data.fiscalYear}) must stay ${state.fiscalYear} when redrafting`);
      }
      return accept({ type: 'BudgetDrafted', data: command.data });
    }
    case 'SubmitBudget': {
      return inStatus(state, ['Drafted'])
        ? accept({ type: 'BudgetSubmitted', data: { budgetId: state.budgetId } })
        : refuse(command, state, 'Drafted');
    }
    case 'ReviewBudget': {
      return inStatus(state, ['Submitted'])
        ? accept({ type: 'BudgetReviewed', data: command.data })
        : refuse(command, state, 'Submitted (awaiting the finance review)');
    }
    case 'ApproveBudget': {
      return inStatus(state, ['Reviewed'])
        ? accept({ type: 'BudgetApproved', data: { budgetId: state.budgetId, lines: [...state.lines] } })
        : refuse(command, state, 'Reviewed (reviewed and approved by finance)');
    }
    case 'ClaimExpense': {
      if (!inStatus(state, ['Active'])) return refuse(command, state, 'Active (approved by the general manager, not closed)');
      const earlier = expenseIn(state.expenses, command.data.expenseId);
      if (earlier !== undefined) {
        return E.left(
          invalidTransition(
            `ClaimExpense refused: expense ${earlier.expenseId} was already claimed on budget ${state.budgetId} (now ${earlier.status}); expected a new expense id`,
          ),
        );
      }
      if (!state.lines.some((line) => line.category === command.data.category)) {
        return invalidField(command, 'category', `(${command.data.category}) is not a line of the budget (lines: ${categories(state.lines)})`);
      }
      const { actor } = command.metadata;
      return accept({ type: 'ExpenseClaimed', data: { ...command.data, claimantId: actor.id, claimantRole: actor.role } });
    }
    case 'ApproveExpense': {
      if (!inStatus(state, ['Active'])) return refuse(command, state, 'Active');
      const claim = claimToDecide(command, state);
      if (E.isLeft(claim)) return claim;
      const expense = claim.right;
      const line = state.lines.find((candidate) => candidate.category === expense.category);
      if (line === undefined) {
        return invalidField(command, 'expenseId', `(${expense.expenseId}) is claimed on ${expense.category}, which is not a line of the budget`);
      }
      if (line.approvedSpend + expense.amount > line.amount) {
        return E.left(overBudget(state.budgetId, expense.expenseId, line, expense.amount));
      }
      return accept({
        type: 'ExpenseApproved',
        data: { budgetId: state.budgetId, expenseId: expense.expenseId, category: expense.category, amount: expense.amount },
      });
    }
    case 'RejectExpense': {
      if (!inStatus(state, ['Active'])) return refuse(command, state, 'Active');
      const claim = claimToDecide(command, state);
      if (E.isLeft(claim)) return claim;
      return accept({ type: 'ExpenseRejected', data: command.data });
    }
    case 'AdjustLine': {
      if (!inStatus(state, ['Active'])) return refuse(command, state, 'Active');
      const line = state.lines.find((candidate) => candidate.category === command.data.category);
      if (line === undefined) {
        return invalidField(command, 'category', `(${command.data.category}) is not a line of the budget (lines: ${categories(state.lines)})`);
      }
      if (command.data.amount < line.approvedSpend) {
        return invalidField(
          command,
          'amount',
          `(${command.data.amount} fen) is below the ${line.approvedSpend} fen already approved on line ${line.category}`,
        );
      }
      if (command.data.amount === line.amount) {
        return invalidField(command, 'amount', `(${command.data.amount} fen) is already the amount of line ${line.category}`);
      }
      return accept({
        type: 'LineAdjusted',
        data: {
          budgetId: state.budgetId,
          category: line.category,
          previousAmount: line.amount,
          amount: command.data.amount,
          reason: command.data.reason,
        },
      });
    }
    case 'CloseBudget': {
      return inStatus(state, ['Active'])
        ? accept({
            type: 'BudgetClosed',
            data: {
              budgetId: state.budgetId,
              lines: state.lines.map(({ category, originalAmount, amount, approvedSpend }) => ({
                category,
                originalAmount,
                amount,
                approvedSpend,
              })),
            },
          })
        : refuse(command, state, 'Active');
    }
    default:
      return unreachable(command);
  }
};
