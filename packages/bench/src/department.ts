import type { AnyAggregateDefinition, CommandRouter, EventStore } from '@aftersales/core';
import { createCommandRouter, createUpcasting } from '@aftersales/core';
import { appraisal } from '../../domain/src/appraisal/index.js';
import { budget } from '../../domain/src/budget/index.js';
import { repairOrder, repairOrderUpcasters } from '../../domain/src/repair-order/index.js';
import { serviceStandard } from '../../domain/src/service-standard/index.js';

export { repairOrder };

/** The department's four aggregates, in the order the router is given them. */
export const definitions: readonly AnyAggregateDefinition[] = [repairOrder, serviceStandard, appraisal, budget];

export const upcasting = createUpcasting(repairOrderUpcasters);

/** The whole command pipeline over a store: decode, authorize, load, decide, hash, append, idempotency. */
export const openDepartment = (store: EventStore): CommandRouter => createCommandRouter({ store, upcasting }, definitions);
