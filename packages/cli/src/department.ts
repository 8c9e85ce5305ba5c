import type { CommandAccepted, DomainError, EventStore } from '@aftersales/core';
import { createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type * as E from 'fp-ts/lib/Either.js';

/** The one entry point the CLI sends commands through: the department's router over a store. */
export interface Department {
  handle(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
  /**
   * Records input that never became a command (not JSON, not UTF-8, not a command object) in the
   * security log, by its position and what was wrong: never the input's text. `parsed` is what could
   * be read of it, if anything, for its command id, type and actor where those are identifiers.
   */
  recordMalformed(position: string, problem: string, parsed?: unknown): Promise<void>;
}

/** Refused commands whose code is `Forbidden`, `InvalidCommand` or `IdempotencyConflict` go to the security log (`SecurityLog-<date>` streams). */
export const openDepartment = (store: EventStore): Department => {
  const securityLog = createSecurityLog({ store });
  const department = createDepartment({ store, onRefused: securityLog.onRefused });
  return {
    handle: (raw) => department.handleUntrusted(raw),
    // The problem is the library's own words, never the line's text, so it may stand as the reason.
    recordMalformed: (position, problem, parsed) =>
      securityLog.onRefused({ error: { code: 'InvalidCommand', message: `${position} is ${problem}` }, command: parsed, position }),
  };
};

/** Refusals that say the store, not the command, is at fault: the run stops on them. */
export const isStoreFailureCode = (code: string): boolean =>
  code === 'StoreUnavailable' || code === 'CorruptedEvent' || code === 'InvalidAppend' || code === 'AccessDenied' || code === 'StoreRejected';
