import { z } from 'zod';
import { eventSchema, StoredId, StoredInstant, StoredText } from '../shared/schemas.js';
import { FinishingStep, WorkItem } from './commands.js';

const orderOnly = z.object({ orderId: StoredId });
const inspected = z.object({
  orderId: StoredId,
  passed: z.boolean(),
  defects: z.array(StoredText),
  /** Which inspection of this kind it was for the order, from 1; a first-time pass is attempt 1. */
  attempt: z.number().int().positive(),
});

/** Written at schema version 2; version 1 had a single `workItem` (see `upcasters.ts`). */
export const RepairOrderReceived = eventSchema(
  'RepairOrderReceived',
  z.object({
    orderId: StoredId,
    endpointId: StoredId,
    customer: z.object({ name: StoredText, phone: StoredText }),
    garment: StoredText,
    workItems: z.array(WorkItem).min(1),
    requirements: StoredText,
  }),
);
export const ReceiptConfirmed = eventSchema('ReceiptConfirmed', orderOnly);
export const RepairScheduled = eventSchema(
  'RepairScheduled',
  z.object({ orderId: StoredId, promisedBy: StoredInstant, specialistId: StoredId }),
);
export const RepairRescheduled = eventSchema(
  'RepairRescheduled',
  z.object({ orderId: StoredId, promisedBy: StoredInstant, previousPromisedBy: StoredInstant, reason: StoredText }),
);
export const RepairStarted = eventSchema('RepairStarted', z.object({ orderId: StoredId, specialistId: StoredId }));
export const RepairCompleted = eventSchema('RepairCompleted', z.object({ orderId: StoredId, specialistId: StoredId }));
export const RepairInspected = eventSchema('RepairInspected', inspected);
export const GarmentFinished = eventSchema('GarmentFinished', z.object({ orderId: StoredId, steps: z.array(FinishingStep) }));
export const FinishingInspected = eventSchema('FinishingInspected', inspected);
export const GarmentPackaged = eventSchema('GarmentPackaged', orderOnly);
export const GarmentReturned = eventSchema('GarmentReturned', orderOnly);
export const ReturnConfirmed = eventSchema('ReturnConfirmed', z.object({ orderId: StoredId, receivedBy: StoredText }));
export const FeedbackRecorded = eventSchema(
  'FeedbackRecorded',
  z.object({ orderId: StoredId, satisfied: z.boolean(), opinion: StoredText }),
);
export const RepairOrderCancelled = eventSchema('RepairOrderCancelled', z.object({ orderId: StoredId, reason: StoredText }));
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
