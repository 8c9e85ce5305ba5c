import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { forbidden } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import { unreachable } from '../shared/unreachable.js';
import type { DecideLeave, EmployeeCommand, JoinDepartment, RequestLeave } from './commands.js';
import { leaveDays, MANAGER_LEAVE_DAYS } from './commands.js';
import type { EmployeeEvent } from './events.js';
import type { EmployeeState } from './state.js';

type Decision = E.Either<DepartmentError, readonly EmployeeEvent[]>;
type Employed = Extract<EmployeeState, { status: 'Employed' }>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

const employed = (command: EmployeeCommand, state: EmployeeState): E.Either<DepartmentError, Employed> => {
  const { employeeId } = command.data;
  if (state.status === 'New') return E.left(invalidTransition(`${command.type} refused: ${employeeId} has never joined the department`));
  if (state.status === 'Left') {
    return E.left(invalidTransition(`${command.type} refused: ${employeeId} left the department (${state.reason}); expected Employed`));
  }
  return E.right(state);
};

const join = (command: JoinDepartment, state: EmployeeState): Decision =>
  state.status === 'Employed'
    ? refuse(`JoinDepartment refused: ${command.data.employeeId} is already Employed (as ${state.position}); expected New or Left`)
    : E.right([{ type: 'EmployeeJoined', data: command.data }]);

/** An employee asks leave only for themselves, for days not already asked for. */
const requestLeave = (command: RequestLeave, state: EmployeeState): Decision => {
  const { employeeId, leaveId, from, to, reason } = command.data;
  const actor = command.metadata.actor.id;
  if (actor !== employeeId) {
    return E.left(forbidden(`RequestLeave refused: ${actor} may request leave only for themselves, not for ${employeeId}`));
  }
  return E.flatMap(employed(command, state), (employee): Decision => {
    if (employee.leaves.some((leave) => leave.leaveId === leaveId)) {
      return refuse(`RequestLeave refused: ${employeeId} already has a leave ${leaveId}; expected a new leave id`);
    }
    const overlapping = employee.leaves.find((leave) => leave.status !== 'Refused' && leave.from <= to && from <= leave.to);
    if (overlapping !== undefined) {
      return refuse(
        `RequestLeave refused: ${from} to ${to} overlaps leave ${overlapping.leaveId} (${overlapping.from} to ${overlapping.to}, ${overlapping.status})`,
      );
    }
    return E.right([{ type: 'LeaveRequested', data: { employeeId, leaveId, from, to, days: leaveDays(from, to), reason } }]);
  });
};

/** Up to three days is the department manager's decision (请假三天内审批权); a longer leave is the general manager's. */
const decideLeave = (command: DecideLeave, state: EmployeeState): Decision =>
  E.flatMap(employed(command, state), (employee): Decision => {
    const { employeeId, leaveId, approved } = command.data;
    const leave = employee.leaves.find((entry) => entry.leaveId === leaveId);
    if (leave === undefined) return refuse(`DecideLeave refused: ${employeeId} has requested no leave ${leaveId}`);
    const decider = leave.days > MANAGER_LEAVE_DAYS ? 'GeneralManager' : 'DepartmentManager';
    const role = command.metadata.actor.role;
    if (role !== decider) {
      return E.left(
        forbidden(
          `DecideLeave refused: leave ${leaveId} of ${employeeId} is ${leave.days} day(s); a leave of ${leave.days > MANAGER_LEAVE_DAYS ? `more than ${MANAGER_LEAVE_DAYS} days` : `up to ${MANAGER_LEAVE_DAYS} days`} is decided by the ${decider}, not the ${role}`,
        ),
      );
    }
    if (leave.status !== 'Requested') return refuse(`DecideLeave refused: leave ${leaveId} of ${employeeId} is already ${leave.status}; expected Requested`);
    return E.right([{ type: 'LeaveDecided', data: { employeeId, leaveId, days: leave.days, approved } }]);
  });

/** Decides a command against an employee's state: the events it produces, or why it is refused. */
export const decide = (command: EmployeeCommand, state: EmployeeState): Decision => {
  switch (command.type) {
    case 'JoinDepartment':
      return join(command, state);
    case 'LeaveDepartment':
      return pipe(employed(command, state), E.map((employee): readonly EmployeeEvent[] => [
        { type: 'EmployeeLeft', data: { employeeId: employee.employeeId, position: employee.position, reason: command.data.reason } },
      ]));
    case 'RequestLeave':
      return requestLeave(command, state);
    case 'DecideLeave':
      return decideLeave(command, state);
    case 'RecordCare':
      return pipe(employed(command, state), E.map((): readonly EmployeeEvent[] => [{ type: 'CareRecorded', data: command.data }]));
    default:
      return unreachable(command);
  }
};
