import type { DomainError, Forbidden, InvalidCommand } from '@aftersales/core';

export type InvalidTransition = DomainError<'InvalidTransition'>;
export type OverBudget = DomainError<'OverBudget'> & {
  readonly category: string;
  readonly lineAmount: number;
  readonly approvedSpend: number;
  readonly requested: number;
};

/** Every refusal a decider can return. */
export type DepartmentError = InvalidTransition | OverBudget | Forbidden | InvalidCommand;

export const invalidTransition = (message: string): InvalidTransition => ({ code: 'InvalidTransition', message });
