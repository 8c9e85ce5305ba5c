import type { AnyAggregateDefinition, EventStore } from '@aftersales/core';
import type { Department } from '@aftersales/domain';
import { createDepartment, departmentAggregates, departmentUpcasting, repairOrder } from '@aftersales/domain';

export { repairOrder };

/** The department's four aggregates, the same ones its command router is given. */
export const definitions: readonly AnyAggregateDefinition[] = departmentAggregates;

export const upcasting = departmentUpcasting;

/** How many events a load reads past a stream's snapshot before it takes a new one. */
export const SNAPSHOT_EVERY = 100;

/** The whole command pipeline over a store: decode, authorize, load, decide, hash, append, idempotency. */
export const openDepartment = (store: EventStore, options: { readonly telemetry?: boolean } = {}): Department =>
  createDepartment({ store, snapshotEvery: SNAPSHOT_EVERY, ...options });
