import { z } from 'zod';
import { Id, Instant, Text, eventSchema } from '../shared/schemas.js';
import { FinishingStep, WorkItem } from './commands.js';

const orderOnly = z.object({ orderId: Id });
const inspected = z.object({
  orderId: Id,
  passed: z.boolean(),
  defects: z.array(Text),
  /** Which inspection of this kind it was for the order, from 1; a first-time pass is attempt 1. */
  attempt: z.number().int().positive(),
});

/** Written at schema version 2; version 1 had a single `workItem` (see `upcasters.ts`). */
export const RepairOrderReceived = eventSchema(
  'RepairOrderReceived',
  z.object({
    orderId: Id,
    endpointId: Id,
    customer: z.object({ name: Text, phone: Text }),
    garment: Text,
    workItems: z.array(WorkItem).min(1),
    requirements: Text,
  }),
);
export const ReceiptConfirmed = eventSchema('ReceiptConfirmed', orderOnly);
export const RepairScheduled = eventSchema(
  'RepairScheduled',
  z.object({ orderId: Id, promisedBy: Instant, specialistId: Id }),
);
export const RepairRescheduled = eventSchema(
  'RepairRescheduled',
  z.object({ orderId: Id, promisedBy: Instant, previousPromisedBy: Instant, reason: Text }),
);
export const RepairStarted = eventSchema('RepairStarted', z.object({ orderId: Id, specialistId: Id }));
export const RepairCompleted = eventSchema('RepairCompleted', z.object({ orderId: Id, specialistId: Id }));
export const RepairInspected = eventSchema('RepairInspected', inspected);
export const GarmentFinished = eventSchema('GarmentFinished', z.object({ orderId: Id, steps: z.array(FinishingStep) }));
export const FinishingInspected = eventSchema('FinishingInspected', inspected);
export const GarmentPackaged = eventSchema('GarmentPackaged', orderOnly);
export const GarmentReturned = eventSchema('GarmentReturned', orderOnly);
export const ReturnConfirmed = eventSchema('ReturnConfirmed', z.object({ orderId: Id, receivedBy: Text }));
export const FeedbackRecorded = eventSchema(
  'FeedbackRecorded',
  z.object({ orderId: Id, satisfied: z.boolean(), opinion: Text }),
);
export const RepairOrderCancelled = eventSchema('RepairOrderCancelled', z.object({ orderId: Id, reason: Text }));
export const RepairOrderClosed = eventSchema('RepairOrderClosed', orderOnly);

export const RepairOrderEvent = z.discriminatedUnion('type', [
  RepairOrderReceived,
  ReceiptConfirmed,
  RepairScheduled,
  RepairRescheduled,
  RepairStarted,
  RepairCompleted,
  RepairInspected,
  GarmentFinished,
  FinishingInspected,
  GarmentPackaged,
  GarmentReturned,
  ReturnConfirmed,
  FeedbackRecorded,
  RepairOrderCancelled,
  RepairOrderClosed,
]);
export type RepairOrderEvent = z.infer<typeof RepairOrderEvent>;
export type RepairOrderEventType = RepairOrderEvent['type'];
