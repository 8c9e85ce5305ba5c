import { z } from 'zod';
import { Fen, FreeText, Id, RequiredText, commandSchema, list } from '../shared/schemas.js';

/** A budget line (预算科目): a category and its amount in fen. */
export const BudgetLine = z.strictObject({ category: Id, amount: Fen });
export type BudgetLine = z.infer<typeof BudgetLine>;

export const FiscalYear = z.number().int('must be a whole year').min(2000).max(2099);

export const DraftBudget = commandSchema(
  'DraftBudget',
  z
    .strictObject({ budgetId: Id, fiscalYear: FiscalYear, lines: list(BudgetLine, { min: 1, what: 'line' }) })
    .superRefine(({ lines }, context) => {
      const seen = new Set<string>();
      for (const [index, line] of lines.entries()) {
        if (seen.has(line.category)) {
          context.addIssue({ code: 'custom', path: ['lines', index, 'category'], message: `category ${line.category} appears twice` });
        }
        seen.add(line.category);
      }
    }),
);
export const SubmitBudget = commandSchema('SubmitBudget', z.strictObject({ budgetId: Id }));
export const ReviewBudget = commandSchema(
  'ReviewBudget',
  z
    .strictObject({ budgetId: Id, approved: z.boolean(), comments: FreeText })
    .refine((data) => data.approved || data.comments.trim().length > 0, {
      path: ['comments'],
      message: 'a budget returned by finance must say why in the comments',
    }),
);
export const ApproveBudget = commandSchema('ApproveBudget', z.strictObject({ budgetId: Id }));
export const ClaimExpense = commandSchema(
  'ClaimExpense',
  z.strictObject({
    budgetId: Id,
    expenseId: Id,
    category: Id,
    amount: Fen.min(1, 'must be at least 1 fen'),
    description: RequiredText,
  }),
);
export const ApproveExpense = commandSchema('ApproveExpense', z.strictObject({ budgetId: Id, expenseId: Id }));
export const RejectExpense = commandSchema(
  'RejectExpense',
  z.strictObject({ budgetId: Id, expenseId: Id, reason: RequiredText }),
);
export const AdjustLine = commandSchema(
  'AdjustLine',
  z.strictObject({ budgetId: Id, category: Id, amount: Fen, reason: RequiredText }),
);
export const CloseBudget = commandSchema('CloseBudget', z.strictObject({ budgetId: Id }));

export const BudgetCommand = z.discriminatedUnion('type', [
  DraftBudget,
  SubmitBudget,
  ReviewBudget,
  ApproveBudget,
  ClaimExpense,
  ApproveExpense,
  RejectExpense,
  AdjustLine,
  CloseBudget,
]);
export type BudgetCommand = z.infer<typeof BudgetCommand>;
export type BudgetCommandType = BudgetCommand['type'];

export const budgetCommandTypes = BudgetCommand.options.map((option) => option.shape.type.value);
