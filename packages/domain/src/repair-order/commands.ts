import { z } from 'zod';
import { FreeText, Id, Instant, RequiredText, commandSchema, formatted, freeText, list } from '../shared/schemas.js';

/** What a repair order asks for (修复项目): 裁边, 改腰, 创新修复, or something else described in the requirements. */
export const WorkItem = z.enum(['hemming', 'waistAlteration', 'creativeRepair', 'other']);
export type WorkItem = z.infer<typeof WorkItem>;

/** The finishing steps after a repair (整理): 熨烫, 折叠. */
export const FinishingStep = z.enum(['ironing', 'folding']);
export type FinishingStep = z.infer<typeof FinishingStep>;

const distinct = <T extends z.ZodType>(item: T, what: string) => list(item, { min: 1, distinct: true, what });

/** A short free text naming someone or something, e.g. a customer or a garment. */
const Name = freeText({ required: true, max: 100 });

export const Customer = z.strictObject({
  name: Name,
  phone: formatted(/^\+?[0-9][0-9 -]{2,29}$/, 'must be a phone number (digits, optional leading +, spaces or dashes)'),
});

/** An inspection's verdict: a failure names what to fix, a pass names nothing. */
const inspection = z
  .strictObject({ orderId: Id, passed: z.boolean(), defects: list(freeText({ required: true, max: 500 }), { max: 50 }) })
  .superRefine((data, context) => {
    if (!data.passed && data.defects.length === 0) {
      context.addIssue({ code: 'custom', path: ['defects'], message: 'a failed inspection must name at least one defect' });
    }
    if (data.passed && data.defects.length > 0) {
      context.addIssue({ code: 'custom', path: ['defects'], message: 'a passed inspection lists no defects' });
    }
  });

const orderOnly = z.strictObject({ orderId: Id });

export const ReceiveRepairOrder = commandSchema(
  'ReceiveRepairOrder',
  z.strictObject({
    orderId: Id,
    endpointId: Id,
    customer: Customer,
    garment: freeText({ required: true, max: 200 }),
    workItems: distinct(WorkItem, 'work item'),
    requirements: FreeText,
  }),
);
export const ConfirmReceipt = commandSchema('ConfirmReceipt', orderOnly);
export const ScheduleRepair = commandSchema(
  'ScheduleRepair',
  z.strictObject({ orderId: Id, promisedBy: Instant, specialistId: Id }),
);
export const RescheduleRepair = commandSchema(
  'RescheduleRepair',
  z.strictObject({ orderId: Id, promisedBy: Instant, reason: RequiredText }),
);
export const StartRepair = commandSchema('StartRepair', orderOnly);
export const CompleteRepair = commandSchema('CompleteRepair', orderOnly);
export const InspectRepair = commandSchema('InspectRepair', inspection);
export const FinishGarment = commandSchema(
  'FinishGarment',
  z.strictObject({ orderId: Id, steps: distinct(FinishingStep, 'finishing step') }),
);
export const InspectFinishing = commandSchema('InspectFinishing', inspection);
export const PackageGarment = commandSchema('PackageGarment', orderOnly);
export const ReturnGarment = commandSchema('ReturnGarment', orderOnly);
export const ConfirmReturn = commandSchema('ConfirmReturn', z.strictObject({ orderId: Id, receivedBy: Name }));
export const RecordFeedback = commandSchema(
  'RecordFeedback',
  z.strictObject({ orderId: Id, satisfied: z.boolean(), opinion: FreeText }),
);
export const CancelRepairOrder = commandSchema('CancelRepairOrder', z.strictObject({ orderId: Id, reason: RequiredText }));
export const CloseRepairOrder = commandSchema('CloseRepairOrder', orderOnly);

export const RepairOrderCommand = z.discriminatedUnion('type', [
  ReceiveRepairOrder,
  ConfirmReceipt,
  ScheduleRepair,
  RescheduleRepair,
  StartRepair,
  CompleteRepair,
  InspectRepair,
  FinishGarment,
  InspectFinishing,
  PackageGarment,
  ReturnGarment,
  ConfirmReturn,
  RecordFeedback,
  CancelRepairOrder,
  CloseRepairOrder,
]);
export type RepairOrderCommand = z.infer<typeof RepairOrderCommand>;
export type RepairOrderCommandType = RepairOrderCommand['type'];

export const repairOrderCommandTypes = RepairOrderCommand.options.map((option) => option.shape.type.value);
