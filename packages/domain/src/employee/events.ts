import { z } from 'zod';
import { eventSchema, StoredId, StoredText } from '../shared/schemas.js';
import { CareKind, LeavingReason } from './commands.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.

/** `name` is personal data: encrypted in the log under the employee's key, `[erased]` once that key is destroyed. */
export const EmployeeJoined = eventSchema(
  'EmployeeJoined',
  z.object({ employeeId: StoredId, position: StoredId, name: StoredText }),
);
export type EmployeeJoined = z.infer<typeof EmployeeJoined>;

export const EmployeeLeft = eventSchema(
  'EmployeeLeft',
  z.object({ employeeId: StoredId, position: StoredId, reason: LeavingReason }),
);
export type EmployeeLeft = z.infer<typeof EmployeeLeft>;

/** `days` counts the calendar days from `from` to `to`, both included; `reason` is personal data like the name. */
export const LeaveRequested = eventSchema(
  'LeaveRequested',
  z.object({ employeeId: StoredId, leaveId: StoredId, from: z.string(), to: z.string(), days: z.number().int().positive(), reason: StoredText }),
);
export type LeaveRequested = z.infer<typeof LeaveRequested>;

export const LeaveDecided = eventSchema(
  'LeaveDecided',
  z.object({ employeeId: StoredId, leaveId: StoredId, days: z.number().int().positive(), approved: z.boolean() }),
);
export type LeaveDecided = z.infer<typeof LeaveDecided>;

/** `note` is personal data like the name: what the care was about can be about someone's health or family. */
export const CareRecorded = eventSchema('CareRecorded', z.object({ employeeId: StoredId, kind: CareKind, note: StoredText }));
export type CareRecorded = z.infer<typeof CareRecorded>;

export const EmployeeEvent = z.discriminatedUnion('type', [EmployeeJoined, EmployeeLeft, LeaveRequested, LeaveDecided, CareRecorded]);
export type EmployeeEvent = z.infer<typeof EmployeeEvent>;
export type EmployeeEventType = EmployeeEvent['type'];

export const employeeEventTypes: readonly EmployeeEventType[] = EmployeeEvent.options.map((option) => option.shape.type.value);
