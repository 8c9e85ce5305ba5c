import type { AnyAggregateDefinition, EventStore } from '@aftersales/core';
import { departmentAggregates, departmentUpcasting, repairOrder } from '@aftersales/domain';
import type { DepartmentCommands } from '@aftersales/service';
import { departmentCommands } from '@aftersales/service';

export { repairOrder };

/** The department's aggregates, the same ones its command router is given. */
export const definitions: readonly AnyAggregateDefinition[] = departmentAggregates;

export const upcasting = departmentUpcasting;

/** How many events a load reads past a stream's snapshot before it takes a new one. */
export const SNAPSHOT_EVERY = 100;

/**
 * The command side as the service opens it (`@aftersales/service`): decode, authorize, load, decide,
 * hash, append, idempotency, the refusal journal and the security log.
 */
export const openDepartment = (store: EventStore, options: { readonly telemetry?: boolean } = {}): DepartmentCommands =>
  departmentCommands(store, { snapshotEvery: SNAPSHOT_EVERY, ...options });
