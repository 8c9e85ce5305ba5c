import { z } from 'zod';
/** What every received order knows: which order, and which endpoint (业务端) reported it and gets it back. */
export interface OrderFacts {
  readonly orderId: string;
  readonly endpointId: string;
}

/** What a scheduled order knows: the promise in force, who repairs, and how many inspections of each kind it has had. */
export interface ScheduledFacts extends OrderFacts {
  readonly promisedBy: string;
  readonly specialistId: string;
  readonly repairInspections: number;
  readonly finishingInspections: number;
}

/**
 * The life of a repair order (修复单). `RepairRejected` and `FinishingRejected` are the states after a
 * failed inspection: the order waits for the repair or the finishing to be done again.
 */
export type RepairOrderState =
  | { readonly status: 'Initial' }
  | (OrderFacts & { readonly status: 'Received' })
  | (OrderFacts & { readonly status: 'Confirmed' })
  | (ScheduledFacts & { readonly status: 'Scheduled' })
  | (ScheduledFacts & { readonly status: 'InRepair' })
  | (ScheduledFacts & { readonly status: 'RepairCompleted' })
  | (ScheduledFacts & { readonly status: 'RepairRejected' })
  | (ScheduledFacts & { readonly status: 'RepairPassed' })
  | (ScheduledFacts & { readonly status: 'Finished' })
  | (ScheduledFacts & { readonly status: 'FinishingRejected' })
  | (ScheduledFacts & { readonly status: 'FinishingPassed' })
  | (ScheduledFacts & { readonly status: 'Packaged' })
  | (ScheduledFacts & { readonly status: 'Returned' })
  | (ScheduledFacts & { readonly status: 'ReturnConfirmed' })
  | (ScheduledFacts & { readonly status: 'FeedbackRecorded' })
  | (OrderFacts & { readonly status: 'Cancelled'; readonly cancelledWhen: RepairOrderStatus })
  | (OrderFacts & { readonly status: 'Closed' });

export type RepairOrderStatus = RepairOrderState['status'];

export type ScheduledStatus = Extract<RepairOrderState, ScheduledFacts>['status'];

export const initialRepairOrderState: RepairOrderState = { status: 'Initial' };

export const isScheduled = (state: RepairOrderState): state is Extract<RepairOrderState, ScheduledFacts> =>
  'specialistId' in state;

const orderFacts = { orderId: z.string(), endpointId: z.string() };
const scheduledFacts = {
  ...orderFacts,
  promisedBy: z.string(),
  specialistId: z.string(),
  repairInspections: z.number().int().nonnegative(),
  finishingInspections: z.number().int().nonnegative(),
};
const scheduledStatuses = [
  'Scheduled',
  'InRepair',
  'RepairCompleted',
  'RepairRejected',
  'RepairPassed',
  'Finished',
  'FinishingRejected',
  'FinishingPassed',
  'Packaged',
  'Returned',
  'ReturnConfirmed',
  'FeedbackRecorded',
] as const satisfies readonly ScheduledStatus[];

/** Decodes a repair order's state as a snapshot keeps it. */
export const RepairOrderStateSchema: z.ZodType<RepairOrderState> = z.union([
  z.object({ status: z.literal('Initial') }),
  z.object({ status: z.enum(['Received', 'Confirmed', 'Closed']), ...orderFacts }),
  z.object({ status: z.enum(scheduledStatuses), ...scheduledFacts }),
  z.object({
    status: z.literal('Cancelled'),
    ...orderFacts,
    cancelledWhen: z.enum(['Initial', 'Received', 'Confirmed', ...scheduledStatuses, 'Cancelled', 'Closed']),
  }),
]);
