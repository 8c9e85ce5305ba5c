import type { AggregateDefinition } from '@aftersales/core';
import { authorizeRoles } from '../shared/roles.js';
import type { RepairOrderCommand as Command } from './commands.js';
import { RepairOrderCommand, repairOrderCommandTypes } from './commands.js';
import { decide } from './decide.js';
import type { RepairOrderEvent as Event } from './events.js';
import { RepairOrderEvent } from './events.js';
import { evolve } from './evolve.js';
import type { RepairOrderState } from './state.js';
import { RepairOrderStateSchema, initialRepairOrderState } from './state.js';

export { FinishingStep, RepairOrderCommand, WorkItem, repairOrderCommandTypes } from './commands.js';
export type { RepairOrderCommandType } from './commands.js';
export { RepairOrderEvent } from './events.js';
export type { RepairOrderEventType } from './events.js';
export type { OrderFacts, RepairOrderState, RepairOrderStatus, ScheduledFacts } from './state.js';
export { initialRepairOrderState } from './state.js';
export { repairOrderReceivedV1, repairOrderUpcasters } from './upcasters.js';

/** Who may send each repair-order command at all; who exactly (assigned specialist, own endpoint) is decided on the state. */
export const repairOrderRoles = {
  ReceiveRepairOrder: ['BusinessEndpoint'],
  ConfirmReceipt: ['DepartmentManager'],
  ScheduleRepair: ['DepartmentManager'],
  RescheduleRepair: ['DepartmentManager'],
  StartRepair: ['AfterSalesSpecialist'],
  CompleteRepair: ['AfterSalesSpecialist'],
  InspectRepair: ['DepartmentManager'],
  FinishGarment: ['AfterSalesSpecialist'],
  InspectFinishing: ['DepartmentManager'],
  PackageGarment: ['AfterSalesSpecialist'],
  ReturnGarment: ['AfterSalesSpecialist'],
  ConfirmReturn: ['BusinessEndpoint'],
  RecordFeedback: ['BusinessEndpoint', 'DepartmentManager'],
  CancelRepairOrder: ['BusinessEndpoint', 'DepartmentManager'],
  CloseRepairOrder: ['DepartmentManager'],
} as const;

/** The repair order (修复单): from an endpoint's report through repair, finishing and return to the customer's feedback. */
export const repairOrder: AggregateDefinition<Command, Event, RepairOrderState> = {
  name: 'RepairOrder',
  commandSchema: RepairOrderCommand,
  eventSchema: RepairOrderEvent,
  commandTypes: repairOrderCommandTypes,
  streamId: (command) => `RepairOrder-${command.data.orderId}`,
  authorize: authorizeRoles<Command>(repairOrderRoles),
  decider: { initialState: initialRepairOrderState, decide, evolve },
  // A repair order may be rescheduled many times; its state holds ids and dates, no personal data.
  snapshot: { version: 1, schema: RepairOrderStateSchema },
};
