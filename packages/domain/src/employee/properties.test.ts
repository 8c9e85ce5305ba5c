import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStateMachine, rawCommand } from '../testing/state-machine.js';
import type { EmployeeCommand, EmployeeState } from './index.js';
import { employee, employeeEventTypes, MANAGER_LEAVE_DAYS } from './index.js';

const employeeId = 'SP-7';
const leaveId = fc.constantFrom('LV-1', 'LV-2', 'LV-3');
const day = fc.integer({ min: 1, max: 9 }).map((n) => `2026-04-0${n}`);

const command: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.record({ type: fc.constant('JoinDepartment'), data: fc.record({ position: fc.constant('AfterSalesSpecialist'), name: fc.constantFrom('李娜', '') }) }), weight: 2 },
      { arbitrary: fc.record({ type: fc.constant('LeaveDepartment'), data: fc.record({ reason: fc.constantFrom('resigned', 'dismissed', 'transferred', 'retired') }) }), weight: 1 },
      { arbitrary: fc.record({ type: fc.constant('RequestLeave'), data: fc.record({ leaveId, from: day, to: day, reason: fc.constant('事假') }) }), weight: 4 },
      { arbitrary: fc.record({ type: fc.constant('DecideLeave'), data: fc.record({ leaveId, approved: fc.boolean() }) }), weight: 4 },
      { arbitrary: fc.record({ type: fc.constant('RecordCare'), data: fc.record({ kind: fc.constantFrom('life', 'work', 'psychological'), note: fc.constant('慰问') }) }), weight: 1 },
    ),
    fc.constantFrom('DepartmentManager', 'GeneralManager'),
    fc.constantFrom(employeeId, employeeId, 'SP-8'),
    fc.nat({ max: 1_000_000 }),
  )
  .map(([{ type, data }, deciderRole, specialist, id]) => {
    const actor =
      type === 'RequestLeave'
        ? { id: specialist, role: 'AfterSalesSpecialist' }
        : type === 'DecideLeave'
          ? { id: deciderRole === 'GeneralManager' ? 'GM-1' : 'DM-1', role: deciderRole }
          : { id: 'DM-1', role: 'DepartmentManager' };
    return rawCommand(type, { employeeId, ...data }, actor, { commandId: `c-${id}` });
  });

/**
 * Half the sequences start with the employee joined and a leave requested, so that deciding a leave
 * (which needs both, and the right manager for its length) is reached in every run of the property,
 * not only in most.
 */
const joinedWithLeave = [
  rawCommand('JoinDepartment', { employeeId, position: 'AfterSalesSpecialist', name: '李娜' }, { id: 'DM-1', role: 'DepartmentManager' }, { commandId: 'c-join' }),
  rawCommand('RequestLeave', { employeeId, leaveId: 'LV-1', from: '2026-04-01', to: '2026-04-02', reason: '事假' }, { id: employeeId, role: 'AfterSalesSpecialist' }, { commandId: 'c-leave' }),
];

const sequences = fc.oneof(
  fc.array(command, { maxLength: 14, size: 'max' }),
  fc.array(command, { maxLength: 12, size: 'max' }).map((rest) => [...joinedWithLeave, ...rest]),
);

const leavesOf = (state: EmployeeState) => (state.status === 'New' ? [] : state.leaves);

describe('Employee properties', () => {
  it('any command sequence keeps the rules: leave only for oneself, decided once by the right manager, never overlapping', () => {
    checkStateMachine({
      definition: employee,
      commands: sequences,
      eventTypes: employeeEventTypes,
      allowedEvents: {
        JoinDepartment: [['EmployeeJoined']],
        LeaveDepartment: [['EmployeeLeft']],
        RequestLeave: [['LeaveRequested']],
        DecideLeave: [['LeaveDecided']],
        RecordCare: [['CareRecorded']],
      },
      accepted: (before, accepted: EmployeeCommand) => {
        expect(before.status).toBe(accepted.type === 'JoinDepartment' ? (before.status === 'Left' ? 'Left' : 'New') : 'Employed');
        if (accepted.type === 'RequestLeave') expect(accepted.metadata.actor.id).toBe(accepted.data.employeeId);
        if (accepted.type === 'DecideLeave') {
          const leave = leavesOf(before).find((entry) => entry.leaveId === accepted.data.leaveId);
          expect(leave?.status).toBe('Requested');
          expect(accepted.metadata.actor.role).toBe((leave?.days ?? 0) > MANAGER_LEAVE_DAYS ? 'GeneralManager' : 'DepartmentManager');
        }
      },
      invariant: (state) => {
        const leaves = leavesOf(state);
        expect(new Set(leaves.map((leave) => leave.leaveId)).size).toBe(leaves.length);
        const active = leaves.filter((leave) => leave.status !== 'Refused');
        for (const a of active) for (const b of active) if (a !== b) expect(a.to < b.from || b.to < a.from).toBe(true);
      },
    });
  });
});
