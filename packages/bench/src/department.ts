import type { AnyAggregateDefinition, EventStore } from '@aftersales/core';
import type { Department } from '@aftersales/domain';
import { createDepartment, departmentAggregates, departmentUpcasting, repairOrder } from '@aftersales/domain';

export { repairOrder };

/** The department's four aggregates, the same ones its command router is given. */
export const definitions: readonly AnyAggregateDefinition[] = departmentAggregates;

export const upcasting = departmentUpcasting;

/** The whole command pipeline over a store: decode, authorize, load, decide, hash, append, idempotency. */
export const openDepartment = (store: EventStore, options: { readonly telemetry?: boolean } = {}): Department => createDepartment({ store, ...options });
