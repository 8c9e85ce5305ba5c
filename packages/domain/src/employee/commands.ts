import { z } from 'zod';
import { commandSchema, formatted, freeText, Id, RequiredText } from '../shared/schemas.js';

/** Why someone left the department; only `resigned` and `dismissed` count as turnover (员工流失率). */
export const LeavingReason = z.enum(['resigned', 'dismissed', 'transferred', 'retired']);
export type LeavingReason = z.infer<typeof LeavingReason>;

/** The care the manager gives an employee (关心员工生活、工作与心理). */
export const CareKind = z.enum(['life', 'work', 'psychological']);
export type CareKind = z.infer<typeof CareKind>;

/** A person's name: personal data, encrypted in the log under the employee's key. */
export const PersonName = freeText({ required: true, max: 100 });

/**
 * A calendar date, `YYYY-MM-DD`, in 2000–2099 like every business instant. A leave is taken in
 * whole days, so it has dates, not instants; whether the day exists (no 2026-02-30) is checked with
 * the command.
 */
export const CalendarDate = formatted(
  /^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  'must be a date written YYYY-MM-DD between 2000-01-01 and 2099-12-31',
);

const DAY_MS = 24 * 60 * 60 * 1000;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when no such day exists (2026-02-30). */
export const dayNumber = (date: string): number | undefined => {
  const time = Date.parse(`${date}T00:00:00Z`);
  if (Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== date) return undefined;
  return time / DAY_MS;
};

/** How many calendar days a leave from `from` to `to` takes, both included: weekends and holidays count. */
export const leaveDays = (from: string, to: string): number => (dayNumber(to) ?? 0) - (dayNumber(from) ?? 0) + 1;

/** The longest leave the department manager approves alone (请假三天内审批权); a longer one is the general manager's. */
export const MANAGER_LEAVE_DAYS = 3;

export const JoinDepartment = commandSchema(
  'JoinDepartment',
  z.strictObject({
    employeeId: Id,
    /** The position they hold, e.g. `AfterSalesSpecialist`: the `positionId` of its job description. */
    position: Id,
    name: PersonName,
  }),
);
export type JoinDepartment = z.infer<typeof JoinDepartment>;

export const LeaveDepartment = commandSchema('LeaveDepartment', z.strictObject({ employeeId: Id, reason: LeavingReason }));
export type LeaveDepartment = z.infer<typeof LeaveDepartment>;

export const RequestLeave = commandSchema(
  'RequestLeave',
  z
    .strictObject({ employeeId: Id, leaveId: Id, from: CalendarDate, to: CalendarDate, reason: RequiredText })
    .superRefine((data, context) => {
      for (const field of ['from', 'to'] as const) {
        if (dayNumber(data[field]) === undefined) {
          context.addIssue({ code: 'custom', path: [field], message: `${data[field]} is not a day of the calendar` });
        }
      }
      if (dayNumber(data.from) !== undefined && dayNumber(data.to) !== undefined && data.to < data.from) {
        context.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${data.from})` });
      }
    }),
);
export type RequestLeave = z.infer<typeof RequestLeave>;

export const DecideLeave = commandSchema(
  'DecideLeave',
  z.strictObject({ employeeId: Id, leaveId: Id, approved: z.boolean() }),
);
export type DecideLeave = z.infer<typeof DecideLeave>;

export const RecordCare = commandSchema('RecordCare', z.strictObject({ employeeId: Id, kind: CareKind, note: RequiredText }));
export type RecordCare = z.infer<typeof RecordCare>;

export const EmployeeCommand = z.discriminatedUnion('type', [JoinDepartment, LeaveDepartment, RequestLeave, DecideLeave, RecordCare]);
export type EmployeeCommand = z.infer<typeof EmployeeCommand>;
export type EmployeeCommandType = EmployeeCommand['type'];

export const employeeCommandTypes: readonly EmployeeCommandType[] = EmployeeCommand.options.map((option) => option.shape.type.value);
