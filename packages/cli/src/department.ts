import type { CommandAccepted, DomainError, EventStore } from '@aftersales/core';
import { createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type * as E from 'fp-ts/lib/Either.js';

/** The one entry point the CLI sends commands through: the department's router over a store. */
export interface Department {
  handle(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
}

/** Refused commands whose code is `Forbidden` or `InvalidCommand` go to the security log (`SecurityLog-<date>` streams). */
export const openDepartment = (store: EventStore): Department => createDepartment({ store, onRefused: createSecurityLog({ store }).onRefused });

/** Refusals that say the store, not the command, is at fault: the run stops on them. */
export const isStoreFailureCode = (code: string): boolean => code === 'StoreUnavailable' || code === 'CorruptedEvent' || code === 'InvalidAppend';
