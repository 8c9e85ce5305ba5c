import { z } from 'zod';
import { AppraisalEvent } from '../../domain/src/appraisal/events.js';
import { BudgetEvent } from '../../domain/src/budget/events.js';
import { RepairOrderEvent } from '../../domain/src/repair-order/events.js';
import { ServiceStandardEvent } from '../../domain/src/service-standard/events.js';

export { repairOrderUpcasters } from '../../domain/src/repair-order/upcasters.js';

export const departmentEventSchema = z.discriminatedUnion('type', [
  ...RepairOrderEvent.options,
  ...ServiceStandardEvent.options,
  ...AppraisalEvent.options,
  ...BudgetEvent.options,
]);
export type DepartmentEvent = z.infer<typeof departmentEventSchema>;
