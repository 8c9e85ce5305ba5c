import { readFileSync } from 'node:fs';
import type { Actor, RecordedEvent } from '@aftersales/core';
import { RecordedEventMetadataSchema } from '@aftersales/core/adapter-kit';
import fc from 'fast-check';
import { z } from 'zod';
import type {
  RepairOrderCommand,
  RepairOrderCommandType,
  RepairOrderEvent,
  RepairOrderEventType,
  RepairOrderState,
  RepairOrderStatus,
} from '../repair-order/index.js';
import { repairOrderRoles } from '../repair-order/index.js';
import { asIdPart } from './ids.js';
import type { CommandMetadataOptions } from './state-machine.js';

export const orderId = 'RO-1';
export const endpointId = 'EP-01';
export const specialistId = 'SP-01';
export const otherSpecialistId = 'SP-02';
export const receivedAt = '2026-03-02T09:00:00+08:00';
export const promisedBy = '2026-03-06T18:00:00+08:00';

export const endpointActor = (id: string = endpointId): Actor => ({ id, role: 'BusinessEndpoint' });
export const managerActor: Actor = { id: 'DM-01', role: 'DepartmentManager' };
export const specialistActor = (id: string = specialistId): Actor => ({ id, role: 'AfterSalesSpecialist' });

type DataOf<T extends RepairOrderCommandType> = Extract<RepairOrderCommand, { type: T }>['data'];

/** Data that each command type accepts for `RO-1` on its happy path. */
export const repairOrderData: { readonly [T in RepairOrderCommandType]: DataOf<T> } = {
  ReceiveRepairOrder: {
    orderId,
    endpointId,
    customer: { name: '王芳', phone: '13800000000' },
    garment: 'wool coat',
    workItems: ['hemming'],
    requirements: 'shorten 2cm',
  },
  ConfirmReceipt: { orderId },
  ScheduleRepair: { orderId, promisedBy, specialistId },
  RescheduleRepair: { orderId, promisedBy: '2026-03-08T18:00:00+08:00', reason: 'fabric on order' },
  StartRepair: { orderId },
  CompleteRepair: { orderId },
  InspectRepair: { orderId, passed: true, defects: [] },
  FinishGarment: { orderId, steps: ['ironing', 'folding'] },
  InspectFinishing: { orderId, passed: true, defects: [] },
  PackageGarment: { orderId },
  ReturnGarment: { orderId },
  ConfirmReturn: { orderId, receivedBy: '李店长' },
  RecordFeedback: { orderId, satisfied: true, opinion: '很满意' },
  CancelRepairOrder: { orderId, reason: 'customer withdrew the request' },
  CloseRepairOrder: { orderId },
};

/** Who sends each command type on the happy path: the endpoint, the manager, or the assigned specialist. */
export const defaultRepairOrderActor = (type: RepairOrderCommandType): Actor => {
  const role = repairOrderRoles[type][0];
  if (role === 'BusinessEndpoint') return endpointActor();
  if (role === 'AfterSalesSpecialist') return specialistActor();
  return managerActor;
};

/**
 * A raw repair-order command as JSON would carry it: the happy-path data of its type for `RO-1`,
 * overridden by `data`, sent by the type's usual actor at `receivedAt` unless told otherwise.
 * Data is loosely typed so that tests can send what validation must refuse.
 */
export const repairOrderCommand = <T extends RepairOrderCommandType>(
  type: T,
  data: Partial<Record<keyof DataOf<T>, unknown>> & Record<string, unknown> = {},
  actor?: Actor,
  metadata: CommandMetadataOptions = {},
) => ({
  type,
  data: { ...repairOrderData[type], ...data },
  metadata: {
    commandId: metadata.commandId ?? `${type}-${String(data['orderId'] ?? orderId)}-${asIdPart(metadata.at ?? receivedAt)}`,
    actor: actor ?? defaultRepairOrderActor(type),
    at: metadata.at ?? receivedAt,
  },
});

/** The happy path of one order, from the report to the close, one hour apart. */
export const repairOrderLifecycle = (id: string = orderId, start: string = receivedAt) => {
  const steps: readonly RepairOrderCommandType[] = [
    'ReceiveRepairOrder',
    'ConfirmReceipt',
    'ScheduleRepair',
    'StartRepair',
    'CompleteRepair',
    'InspectRepair',
    'FinishGarment',
    'InspectFinishing',
    'PackageGarment',
    'ReturnGarment',
    'ConfirmReturn',
    'RecordFeedback',
    'CloseRepairOrder',
  ];
  const startMs = Date.parse(start);
  return steps.map((type, index) =>
    repairOrderCommand(type, { orderId: id }, undefined, { at: new Date(startMs + index * 3_600_000).toISOString() }),
  );
};

/** The events of `RO-1`'s happy path, in order. */
/** A first repair inspection that failed: the garment goes back for rework. */
export const failedRepairInspection: RepairOrderEvent = {
  type: 'RepairInspected',
  data: { orderId, passed: false, defects: ['uneven hem'], attempt: 1 },
};

export const repairOrderHistory: readonly RepairOrderEvent[] = [
  { type: 'RepairOrderReceived', data: repairOrderData.ReceiveRepairOrder },
  { type: 'ReceiptConfirmed', data: { orderId } },
  { type: 'RepairScheduled', data: { orderId, promisedBy, specialistId } },
  { type: 'RepairStarted', data: { orderId, specialistId } },
  { type: 'RepairCompleted', data: { orderId, specialistId } },
  { type: 'RepairInspected', data: { orderId, passed: true, defects: [], attempt: 1 } },
  { type: 'GarmentFinished', data: { orderId, steps: ['ironing', 'folding'] } },
  { type: 'FinishingInspected', data: { orderId, passed: true, defects: [], attempt: 1 } },
  { type: 'GarmentPackaged', data: { orderId } },
  { type: 'GarmentReturned', data: { orderId } },
  { type: 'ReturnConfirmed', data: { orderId, receivedBy: '李店长' } },
  { type: 'FeedbackRecorded', data: { orderId, satisfied: true, opinion: '很满意' } },
  { type: 'RepairOrderClosed', data: { orderId } },
];

/** `RO-1`'s happy-path events up to and including the first event of this type. */
export const repairOrderHistoryThrough = (type: RepairOrderEventType): readonly RepairOrderEvent[] => {
  const index = repairOrderHistory.findIndex((event) => event.type === type);
  if (index < 0) throw new Error(`${type} is not on the happy path`);
  return repairOrderHistory.slice(0, index + 1);
};

const roles = ['GeneralManager', 'DepartmentManager', 'AfterSalesSpecialist', 'Finance', 'BusinessEndpoint', 'Auditor'] as const;
const actorIds = ['EP-01', 'EP-02', 'SP-01', 'SP-02', 'DM-01', 'GM-01', 'FIN-01', 'AU-01'] as const;
const commandTypes = Object.keys(repairOrderData) as RepairOrderCommandType[];

/**
 * One step of a generated scenario, interpreted against the order's state by `repairOrderStep`:
 * `next` takes a step the order could take now (with pass/fail, cancel, reschedule and the actor
 * varying), `any` sends any command type from any role, now and then with invalid data.
 */
export interface RepairOrderStep {
  readonly mode: 'next' | 'any';
  readonly pick: number;
  readonly variant: number;
  readonly hours: number;
}

export const arbitraryRepairOrderStep = (): fc.Arbitrary<RepairOrderStep> =>
  fc.record({
    mode: fc.constantFrom('next', 'next', 'next', 'next', 'any'),
    pick: fc.nat(),
    variant: fc.nat(),
    hours: fc.integer({ min: 0, max: 96 }),
  });

const nextTypes: { readonly [S in RepairOrderStatus]: readonly RepairOrderCommandType[] } = {
  Initial: ['ReceiveRepairOrder'],
  Received: ['ConfirmReceipt', 'ConfirmReceipt', 'ConfirmReceipt', 'CancelRepairOrder'],
  Confirmed: ['ScheduleRepair'],
  Scheduled: ['StartRepair', 'StartRepair', 'StartRepair', 'RescheduleRepair', 'CancelRepairOrder'],
  InRepair: ['CompleteRepair', 'CompleteRepair', 'RescheduleRepair'],
  RepairCompleted: ['InspectRepair'],
  RepairRejected: ['StartRepair', 'RescheduleRepair'],
  RepairPassed: ['FinishGarment'],
  Finished: ['InspectFinishing'],
  FinishingRejected: ['FinishGarment'],
  FinishingPassed: ['PackageGarment'],
  Packaged: ['ReturnGarment', 'ReturnGarment', 'ReturnGarment', 'CancelRepairOrder'],
  Returned: ['ConfirmReturn'],
  ReturnConfirmed: ['RecordFeedback'],
  FeedbackRecorded: ['CloseRepairOrder'],
  Cancelled: commandTypes,
  Closed: commandTypes,
};

const pickOf = <T>(items: readonly T[], index: number): T => items[index % items.length]!;

const later = (at: string, hours: number) => new Date(Date.parse(at) + hours * 3_600_000).toISOString();

/** Turns a generated step into a raw command for `RO-1` at `at`, given the order's state. */
export const repairOrderStep = (step: RepairOrderStep, state: RepairOrderState, at: string) => {
  const type = step.mode === 'next' ? pickOf(nextTypes[state.status], step.pick) : pickOf(commandTypes, step.pick);
  const verdict =
    step.variant % 3 === 0 ? { passed: false, defects: ['redo'] } : { passed: true, defects: [] as string[] };
  const data: Record<string, unknown> = {
    ...(type === 'ScheduleRepair' || type === 'RescheduleRepair' ? { promisedBy: later(at, step.hours - 4) } : {}),
    ...(type === 'ScheduleRepair' ? { specialistId: pickOf([specialistId, otherSpecialistId], step.variant) } : {}),
    ...(type === 'InspectRepair' || type === 'InspectFinishing' ? verdict : {}),
    ...(type === 'RecordFeedback' ? { satisfied: step.variant % 2 === 0 } : {}),
  };
  if (step.mode === 'next') {
    const actor =
      (type === 'StartRepair' || type === 'CompleteRepair') && 'specialistId' in state && step.variant % 7 !== 0
        ? specialistActor(state.specialistId)
        : defaultRepairOrderActor(type);
    return repairOrderCommand(type, data, actor, { at, commandId: `${type}-${asIdPart(at)}` });
  }
  const actor = { id: pickOf(actorIds, step.variant), role: pickOf(roles, Math.floor(step.variant / 8)) };
  const invalid = step.variant % 5 === 0 ? { unexpected: true } : step.variant % 5 === 1 ? { orderId: '' } : {};
  return repairOrderCommand(type, { ...data, ...invalid }, actor, { at, commandId: `${type}-${asIdPart(at)}` });
};

/** The fixture's stored form as a store hands it back; its JSON carries the global position as a string. */
const StoredEvent = z.object({
  streamId: z.string(),
  revision: z.number().int(),
  globalPosition: z.string().transform((position) => BigInt(position)),
  eventId: z.string(),
  type: z.string(),
  data: z.unknown(),
  metadata: RecordedEventMetadataSchema,
});

/** A first-version `RepairOrderReceived`, sealed as it was recorded before `workItems` and before encryption. */
export const storedRepairOrderReceivedV1 = (): RecordedEvent =>
  StoredEvent.parse(JSON.parse(readFileSync(new URL('../repair-order/fixtures/repair-order-received.v1.json', import.meta.url), 'utf8')));
