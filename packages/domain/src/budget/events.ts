import { z } from 'zod';
import { Fen, Id, Text, eventSchema } from '../shared/schemas.js';
import { FiscalYear } from './commands.js';

const line = z.object({ category: Id, amount: Fen });

export const BudgetDrafted = eventSchema(
  'BudgetDrafted',
  z.object({ budgetId: Id, fiscalYear: FiscalYear, lines: z.array(line) }),
);
export const BudgetSubmitted = eventSchema('BudgetSubmitted', z.object({ budgetId: Id }));
export const BudgetReviewed = eventSchema(
  'BudgetReviewed',
  z.object({ budgetId: Id, approved: z.boolean(), comments: Text }),
);
/** The lines as approved: the original amounts that cost control (成本控制) measures adjustments against. */
export const BudgetApproved = eventSchema('BudgetApproved', z.object({ budgetId: Id, lines: z.array(line) }));
export const ExpenseClaimed = eventSchema(
  'ExpenseClaimed',
  z.object({ budgetId: Id, expenseId: Id, category: Id, amount: Fen, description: Text, claimantId: Id }),
);
export const ExpenseApproved = eventSchema(
  'ExpenseApproved',
  z.object({ budgetId: Id, expenseId: Id, category: Id, amount: Fen }),
);
export const ExpenseRejected = eventSchema('ExpenseRejected', z.object({ budgetId: Id, expenseId: Id, reason: Text }));
export const LineAdjusted = eventSchema(
  'LineAdjusted',
  z.object({ budgetId: Id, category: Id, previousAmount: Fen, amount: Fen, reason: Text }),
);
/** The final figures per line, so that budget KPIs need nothing but this event. */
export const BudgetClosed = eventSchema(
  'BudgetClosed',
  z.object({
    budgetId: Id,
    lines: z.array(z.object({ category: Id, originalAmount: Fen, amount: Fen, approvedSpend: Fen })),
  }),
);

export const BudgetEvent = z.discriminatedUnion('type', [
  BudgetDrafted,
  BudgetSubmitted,
  BudgetReviewed,
  BudgetApproved,
  ExpenseClaimed,
  ExpenseApproved,
  ExpenseRejected,
  LineAdjusted,
  BudgetClosed,
]);
export type BudgetEvent = z.infer<typeof BudgetEvent>;
export type BudgetEventType = BudgetEvent['type'];
