import type { CommandHandlerOptions, CommandRouter, Upcasting } from '@aftersales/core';
import { createCommandRouter, createUpcasting } from '@aftersales/core';
import { z } from 'zod';
import type { AppraisalCommand } from './appraisal/index.js';
import { AppraisalEvent, appraisal } from './appraisal/index.js';
import type { BudgetCommand } from './budget/index.js';
import { BudgetEvent, budget } from './budget/index.js';
import type { RepairOrderCommand } from './repair-order/index.js';
import { RepairOrderEvent, repairOrder } from './repair-order/index.js';
import { repairOrderUpcasters } from './repair-order/upcasters.js';
import type { ServiceStandardCommand } from './service-standard/index.js';
import { ServiceStandardEvent, serviceStandard } from './service-standard/index.js';

/** The department's four aggregates, each with its own stream category. */
export const departmentAggregates = [repairOrder, serviceStandard, appraisal, budget] as const;

/** Every upcaster of the department's events: what reads old records as the current shapes. */
export const departmentUpcasting: Upcasting = createUpcasting(repairOrderUpcasters);

/** Any command the department accepts, decoded. */
export type DepartmentCommand = RepairOrderCommand | ServiceStandardCommand | AppraisalCommand | BudgetCommand;

/**
 * Decodes any department event (`{ type, data }`) for read models. Stored data must be upcast first
 * (with `departmentUpcasting`), as older records carry older shapes.
 */
export const departmentEventSchema = z.discriminatedUnion('type', [RepairOrderEvent, ServiceStandardEvent, AppraisalEvent, BudgetEvent]);
export type DepartmentEvent = z.infer<typeof departmentEventSchema>;
export type DepartmentEventType = DepartmentEvent['type'];

export type DepartmentOptions = Omit<CommandHandlerOptions, 'upcasting'> & {
  /** The department's own upcasting unless given; pass one only to add upcasters of your own. */
  readonly upcasting?: Upcasting;
};

/**
 * The department's single entry point: `handle` takes any command as JSON (already parsed), decodes
 * it, routes it to its aggregate and stream, and handles it through core's command handling. An
 * unknown `type` is an `InvalidCommand` naming it.
 */
export const createDepartment = (options: DepartmentOptions): CommandRouter =>
  createCommandRouter({ ...options, upcasting: options.upcasting ?? departmentUpcasting }, departmentAggregates);
