import type { CommandAccepted, DomainError, EventStore } from '@aftersales/core';
import { createSecurityLog, invalidCommand } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type * as E from 'fp-ts/lib/Either.js';

/** The one entry point the CLI sends commands through: the department's router over a store. */
export interface Department {
  handle(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
  /** Records input that never became a command (not JSON, not UTF-8, not a command object) in the security log. */
  recordMalformed(input: unknown, reason: string): Promise<void>;
}

/** Refused commands whose code is `Forbidden` or `InvalidCommand` go to the security log (`SecurityLog-<date>` streams). */
export const openDepartment = (store: EventStore): Department => {
  const securityLog = createSecurityLog({ store });
  const department = createDepartment({ store, onRefused: securityLog.onRefused });
  return {
    handle: (raw) => department.handleUntrusted(raw),
    recordMalformed: (input, reason) => securityLog.onRefused({ error: invalidCommand([{ path: '', message: reason }], reason), command: input }),
  };
};

/** Refusals that say the store, not the command, is at fault: the run stops on them. */
export const isStoreFailureCode = (code: string): boolean => code === 'StoreUnavailable' || code === 'CorruptedEvent' || code === 'InvalidAppend';
