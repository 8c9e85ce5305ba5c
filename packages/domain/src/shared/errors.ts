import type { DomainError, Forbidden, InvalidCommand } from '@aftersales/core';
import { invalidCommand } from '@aftersales/core';

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

/**
 * A deadline set before the command that sets it: an `InvalidCommand` naming the field, as a plan
 * that is late when it is made can only be a mistake. Undefined when the deadline is fine.
 */
export const deadlineBeforeNow = (
  command: { readonly type: string; readonly metadata: { readonly at: string } },
  field: string,
  deadline: string,
  what: string,
): InvalidCommand | undefined => {
  if (Date.parse(deadline) >= Date.parse(command.metadata.at)) return undefined;
  const message = `${command.type} refused: ${what} would be due by ${deadline}, before it is set (${command.metadata.at})`;
  return invalidCommand([{ path: `data.${field}`, message: 'must not be before metadata.at' }], message);
};
