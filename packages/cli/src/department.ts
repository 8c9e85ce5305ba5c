import type { CommandAccepted, DomainError, EventStore } from '@aftersales/core';
import { createCommandRouter, createUpcasting } from '@aftersales/core';
import type * as E from 'fp-ts/lib/Either.js';
import { appraisal } from '../../domain/src/appraisal/index.js';
import { budget } from '../../domain/src/budget/index.js';
import { repairOrder, repairOrderUpcasters } from '../../domain/src/repair-order/index.js';
import { serviceStandard } from '../../domain/src/service-standard/index.js';

export interface Department {
  handle(raw: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
}

export const openDepartment = (store: EventStore): Department =>
  createCommandRouter({ store, upcasting: createUpcasting(repairOrderUpcasters) }, [repairOrder, serviceStandard, appraisal, budget]);

export const isStoreFailureCode = (code: string): boolean => code === 'StoreUnavailable' || code === 'CorruptedEvent' || code === 'InvalidAppend';
