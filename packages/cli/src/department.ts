import type { CommandAccepted, DomainError, EventStore } from '@aftersales/core';
import { departmentCommands } from '@aftersales/service';
import type * as E from 'fp-ts/lib/Either.js';

/** The one entry point the CLI sends commands through: the department's router over a store. */
export interface Department {
  handle(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
  /** Records input that never became a command in the security log (see `DepartmentCommands.recordMalformed`). */
  recordMalformed(position: string, problem: string, parsed?: unknown): Promise<void>;
}

/** Refused commands whose code is `Forbidden`, `InvalidCommand` or `IdempotencyConflict` go to the security log (`SecurityLog-<date>` streams). */
export const openDepartment = (store: EventStore): Department => {
  const department = departmentCommands(store);
  return { handle: (raw) => department.handleUntrusted(raw), recordMalformed: department.recordMalformed };
};

/** Refusals that say the store, not the command, is at fault: the run stops on them. */
export const isStoreFailureCode = (code: string): boolean =>
  code === 'StoreUnavailable' || code === 'CorruptedEvent' || code === 'InvalidAppend' || code === 'AccessDenied' || code === 'StoreRejected';
