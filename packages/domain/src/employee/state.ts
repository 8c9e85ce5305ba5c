import type { LeavingReason } from './commands.js';

/** A leave an employee asked for: requested, then approved or refused once. */
export interface Leave {
  readonly leaveId: string;
  readonly from: string;
  readonly to: string;
  readonly days: number;
  readonly status: 'Requested' | 'Approved' | 'Refused';
}

export interface EmploymentRecord {
  readonly employeeId: string;
  readonly position: string;
  /** Every leave of the employee, across rejoining: a leave id names one leave for good. */
  readonly leaves: readonly Leave[];
}

/** An employee of the department (员工): employed, or left (and possibly back again). */
export type EmployeeState =
  | { readonly status: 'New' }
  | (EmploymentRecord & { readonly status: 'Employed' })
  | (EmploymentRecord & { readonly status: 'Left'; readonly reason: LeavingReason });

export type EmployeeStatus = EmployeeState['status'];

export const initialEmployeeState: EmployeeState = { status: 'New' };
