import { scheduleAppraisals } from './appraisals.js';
import { OVER_BUDGET_COMMAND_ID, SPECIALIST_APPROVES_COMMAND_ID, scheduleBudget } from './budget.js';
import { DAY, HOUR, localTime } from './calendar.js';
import { seededRandom, deriveSeed } from './random.js';
import { LATE_RESCHEDULE_COMMAND_ID, scheduleRepairOrder } from './repair-orders.js';
import type { RepairOrderMemory } from './repair-orders.js';
import { scheduleServiceStandard } from './service-standard.js';
import { scheduleAssignments } from './assignments.js';
import { WRONG_DEPARTMENT_COMMAND_ID, scheduleImprovements, scheduleSuggestions } from './improvements.js';
import { scheduleStandardPlans } from './planned-documents.js';
import { LONG_LEAVE_BY_MANAGER_COMMAND_ID, scheduleStaff } from './staff.js';
import { Timeline } from './timeline.js';
import type { DepartmentCommandJson } from './timeline.js';

export type { DepartmentCommandJson } from './timeline.js';
export { repairRates } from './repair-orders.js';
export { STANDARD_ID } from './service-standard.js';
export { seededRandom } from './random.js';
export type { Random } from './random.js';

export interface SimulationOptions {
  /** The same seed gives the same year, command for command. */
  readonly seed: number;
  /** How many repair orders the endpoints report over the year (each is about 13 events). */
  readonly orders: number;
  /** The calendar year simulated; 2026 by default. */
  readonly year?: number;
}

/**
 * The commands the simulation sends knowing the domain refuses them, with the code it refuses them
 * with: a reschedule after the promise has passed (only in a year with at least one late repair), an
 * expense approval that would overrun its budget line, a specialist approving an expense, a
 * department recording an improvement on an issue assigned to another, and the department manager
 * deciding a leave of more than three days.
 */
export const deliberateRefusals: ReadonlyMap<string, string> = new Map([
  [LATE_RESCHEDULE_COMMAND_ID, 'InvalidTransition'],
  [OVER_BUDGET_COMMAND_ID, 'OverBudget'],
  [SPECIALIST_APPROVES_COMMAND_ID, 'Forbidden'],
  [WRONG_DEPARTMENT_COMMAND_ID, 'Forbidden'],
  [LONG_LEAVE_BY_MANAGER_COMMAND_ID, 'Forbidden'],
]);

/** Repair orders are reported on working hours from 2 January to 18 December, so all are settled by year end. */
const FIRST_DAY = 1;
const LAST_DAY = 352;

/** The id of the n-th order of the year (from 1), e.g. `RO-2026-000042`. */
export const orderId = (year: number, index: number): string => `RO-${year}-${String(index).padStart(6, '0')}`;

/**
 * A year of the after-sales department as the commands its people send, in business-time order, with
 * `metadata.at` in Asia/Shanghai time. Lazy: orders are generated as business time reaches them, so a
 * million-event year never sits in memory at once.
 */
export function* simulateYear(options: SimulationOptions): Generator<DepartmentCommandJson, void, undefined> {
  const year = options.year ?? 2026;
  const orders = Math.max(0, Math.floor(options.orders));
  const timeline = new Timeline();
  scheduleServiceStandard(timeline, seededRandom(deriveSeed(options.seed, 'standard')), year);
  scheduleAppraisals(timeline, seededRandom(deriveSeed(options.seed, 'appraisals')), year);
  scheduleBudget(timeline, seededRandom(deriveSeed(options.seed, 'budget')), year);
  scheduleStandardPlans(timeline, seededRandom(deriveSeed(options.seed, 'planned documents')), year);
  scheduleImprovements(timeline, seededRandom(deriveSeed(options.seed, 'improvements')), year);
  scheduleSuggestions(timeline, seededRandom(deriveSeed(options.seed, 'suggestions')), year);
  scheduleAssignments(timeline, seededRandom(deriveSeed(options.seed, 'assignments')), year);
  scheduleStaff(timeline, seededRandom(deriveSeed(options.seed, 'staff')), year);

  const random = seededRandom(deriveSeed(options.seed, 'orders'));
  const memory: RepairOrderMemory = { lateRescheduleAttempted: false };
  const yearStart = localTime(year, 1, 1);
  const receiptOf = (index: number, jitter: number): number => {
    const dayPosition = FIRST_DAY + ((index + jitter) / orders) * (LAST_DAY - FIRST_DAY);
    const day = Math.floor(dayPosition);
    return yearStart + day * DAY + 9 * HOUR + Math.floor((dayPosition - day) * 9 * HOUR);
  };
  let next = 0;
  let nextReceipt = orders > 0 ? receiptOf(0, random.next()) : Number.POSITIVE_INFINITY;
  for (;;) {
    const due = timeline.peekTime();
    if (next < orders && (due === undefined || nextReceipt <= due)) {
      scheduleRepairOrder(timeline, random, memory, orderId(year, next + 1), nextReceipt);
      next += 1;
      nextReceipt = next < orders ? receiptOf(next, random.next()) : Number.POSITIVE_INFINITY;
      continue;
    }
    const command = timeline.take();
    if (command === undefined) return;
    yield command;
  }
}
