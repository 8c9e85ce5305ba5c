import { z } from 'zod';
import { eventSchema, Fen, StoredId, StoredText } from '../shared/schemas.js';
import { FiscalYear } from './commands.js';

const line = z.object({ category: StoredId, amount: Fen });

export const BudgetDrafted = eventSchema(
  'BudgetDrafted',
  z.object({ budgetId: StoredId, fiscalYear: FiscalYear, lines: z.array(line) }),
);
export const BudgetSubmitted = eventSchema('BudgetSubmitted', z.object({ budgetId: StoredId }));
export const BudgetReviewed = eventSchema(
  'BudgetReviewed',
  z.object({ budgetId: StoredId, approved: z.boolean(), comments: StoredText }),
);
/** The lines as approved: the original amounts that cost control (成本控制) measures adjustments against. */
export const BudgetApproved = eventSchema('BudgetApproved', z.object({ budgetId: StoredId, lines: z.array(line) }));
export const ExpenseClaimed = eventSchema(
  'ExpenseClaimed',
  z.object({
    budgetId: StoredId,
    expenseId: StoredId,
    category: StoredId,
    amount: Fen,
    description: StoredText,
    claimantId: StoredId,
    /** Written since the general manager decides a department manager's own claims; absent in older records. */
    claimantRole: z.string().optional(),
  }),
);
export const ExpenseApproved = eventSchema(
  'ExpenseApproved',
  z.object({ budgetId: StoredId, expenseId: StoredId, category: StoredId, amount: Fen }),
);
export const ExpenseRejected = eventSchema('ExpenseRejected', z.object({ budgetId: StoredId, expenseId: StoredId, reason: StoredText }));
export const LineAdjusted = eventSchema(
  'LineAdjusted',
  z.object({ budgetId: StoredId, category: StoredId, previousAmount: Fen, amount: Fen, reason: StoredText }),
);
/** The final figures per line, so that budget KPIs need nothing but this event. */
export const BudgetClosed = eventSchema(
  'BudgetClosed',
  z.object({
    budgetId: StoredId,
    lines: z.array(z.object({ category: StoredId, originalAmount: Fen, amount: Fen, approvedSpend: Fen })),
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
