import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import type { EmployeeEvent } from './index.js';
import { employee, leaveDays } from './index.js';
import { employeeCommand as command, employeeId } from '../testing/employee.js';

const spec = specify(employee);
const generalManager = { id: 'GM-1', role: 'GeneralManager' };
const herself = { id: employeeId, role: 'AfterSalesSpecialist' };

const joined: EmployeeEvent = { type: 'EmployeeJoined', data: { employeeId, position: 'AfterSalesSpecialist', name: '李娜' } };
const left: EmployeeEvent = { type: 'EmployeeLeft', data: { employeeId, position: 'AfterSalesSpecialist', reason: 'resigned' } };
const shortLeave = { leaveId: 'LV-1', from: '2026-03-09', to: '2026-03-11', reason: '家中有事' };
const longLeave = { leaveId: 'LV-2', from: '2026-04-01', to: '2026-04-04', reason: '探亲' };
const requestedShort: EmployeeEvent = { type: 'LeaveRequested', data: { employeeId, ...shortLeave, days: 3 } };
const requestedLong: EmployeeEvent = { type: 'LeaveRequested', data: { employeeId, ...longLeave, days: 4 } };

describe('leaveDays', () => {
  it('counts calendar days, both ends included, across months and leap days', () => {
    expect(leaveDays('2026-03-09', '2026-03-09')).toBe(1);
    expect(leaveDays('2026-03-09', '2026-03-11')).toBe(3);
    expect(leaveDays('2028-02-28', '2028-03-01')).toBe(3);
    expect(leaveDays('2026-12-31', '2027-01-01')).toBe(2);
  });
});

describe('JoinDepartment', () => {
  it('lets a new employee join in a position', () => {
    spec.given([]).when(command('JoinDepartment', { position: 'AfterSalesSpecialist', name: '李娜' })).then([joined]);
  });

  it('lets someone who left join again', () => {
    spec.given([joined, left]).when(command('JoinDepartment', { position: 'AfterSalesSpecialist', name: '李娜' })).then([joined]);
  });

  it('refuses someone already employed', () => {
    spec.given([joined]).when(command('JoinDepartment', { position: 'AfterSalesSpecialist', name: '李娜' })).thenRefused('InvalidTransition', 'already Employed');
  });

  it('refuses a blank name or a position that is not an id, naming the field', () => {
    spec.given([]).when(command('JoinDepartment', { position: 'AfterSalesSpecialist', name: ' ' })).thenRefused('InvalidCommand', 'data.name');
    spec.given([]).when(command('JoinDepartment', { position: 'After Sales', name: '李娜' })).thenRefused('InvalidCommand', 'data.position');
  });

  it('refuses anyone but the department manager, HR included', () => {
    spec.given([]).when(command('JoinDepartment', { position: 'AfterSalesSpecialist', name: '李娜' }, { id: 'HR', role: 'Department' })).thenRefused('Forbidden');
  });
});

describe('LeaveDepartment', () => {
  it('records why an employee left', () => {
    spec.given([joined]).when(command('LeaveDepartment', { reason: 'resigned' })).then([left]);
  });

  it('refuses someone who already left or never joined, and an unknown reason', () => {
    spec.given([joined, left]).when(command('LeaveDepartment', { reason: 'resigned' })).thenRefused('InvalidTransition', 'left the department (resigned)');
    spec.given([]).when(command('LeaveDepartment', { reason: 'resigned' })).thenRefused('InvalidTransition', 'never joined');
    spec.given([joined]).when(command('LeaveDepartment', { reason: 'vanished' })).thenRefused('InvalidCommand', 'data.reason');
  });
});

describe('RequestLeave', () => {
  it('lets an employee request leave for themselves, counting its days', () => {
    spec.given([joined]).when(command('RequestLeave', shortLeave, herself)).then([requestedShort]);
  });

  it('refuses a request for somebody else', () => {
    spec
      .given([joined])
      .when(command('RequestLeave', shortLeave, { id: 'SP-8', role: 'AfterSalesSpecialist' }))
      .thenRefused('Forbidden', 'SP-8 may request leave only for themselves, not for SP-7');
  });

  it('refuses an end before the start, a day that does not exist and a badly written date', () => {
    spec.given([joined]).when(command('RequestLeave', { ...shortLeave, to: '2026-03-08' }, herself)).thenRefused('InvalidCommand', 'data.to');
    spec.given([joined]).when(command('RequestLeave', { ...shortLeave, to: '2026-02-30' }, herself)).thenRefused('InvalidCommand', 'not a day of the calendar');
    spec.given([joined]).when(command('RequestLeave', { ...shortLeave, from: '9/3/2026' }, herself)).thenRefused('InvalidCommand', 'data.from');
  });

  it('refuses a leave id used before, and days already requested or approved', () => {
    spec.given([joined, requestedShort]).when(command('RequestLeave', { ...shortLeave, from: '2026-05-01', to: '2026-05-01' }, herself)).thenRefused('InvalidTransition', 'already has a leave LV-1');
    spec
      .given([joined, requestedShort])
      .when(command('RequestLeave', { ...shortLeave, leaveId: 'LV-3', from: '2026-03-11', to: '2026-03-12' }, herself))
      .thenRefused('InvalidTransition', 'overlaps leave LV-1');
  });

  it('accepts the days of a refused leave again', () => {
    const refused: EmployeeEvent = { type: 'LeaveDecided', data: { employeeId, leaveId: 'LV-1', days: 3, approved: false } };
    spec
      .given([joined, requestedShort, refused])
      .when(command('RequestLeave', { ...shortLeave, leaveId: 'LV-3' }, herself))
      .then([{ type: 'LeaveRequested', data: { employeeId, ...shortLeave, leaveId: 'LV-3', days: 3 } }]);
  });

  it('refuses someone no longer employed, and the department manager asking in their name', () => {
    spec.given([joined, left]).when(command('RequestLeave', shortLeave, herself)).thenRefused('InvalidTransition', 'expected Employed');
    spec.given([joined]).when(command('RequestLeave', shortLeave)).thenRefused('Forbidden', 'role DepartmentManager');
  });
});

describe('DecideLeave', () => {
  it('lets the department manager decide a leave of up to three days', () => {
    spec
      .given([joined, requestedShort])
      .when(command('DecideLeave', { leaveId: 'LV-1', approved: true }))
      .then([{ type: 'LeaveDecided', data: { employeeId, leaveId: 'LV-1', days: 3, approved: true } }]);
  });

  it('leaves a longer leave to the general manager', () => {
    spec
      .given([joined, requestedLong])
      .when(command('DecideLeave', { leaveId: 'LV-2', approved: false }, generalManager))
      .then([{ type: 'LeaveDecided', data: { employeeId, leaveId: 'LV-2', days: 4, approved: false } }]);
    spec
      .given([joined, requestedLong])
      .when(command('DecideLeave', { leaveId: 'LV-2', approved: true }))
      .thenRefused('Forbidden', 'a leave of more than 3 days is decided by the GeneralManager, not the DepartmentManager');
  });

  it('leaves a short leave to the department manager', () => {
    spec
      .given([joined, requestedShort])
      .when(command('DecideLeave', { leaveId: 'LV-1', approved: true }, generalManager))
      .thenRefused('Forbidden', 'a leave of up to 3 days is decided by the DepartmentManager, not the GeneralManager');
  });

  it('refuses a second decision and a leave never requested', () => {
    const approved: EmployeeEvent = { type: 'LeaveDecided', data: { employeeId, leaveId: 'LV-1', days: 3, approved: true } };
    spec.given([joined, requestedShort, approved]).when(command('DecideLeave', { leaveId: 'LV-1', approved: false })).thenRefused('InvalidTransition', 'already Approved');
    spec.given([joined]).when(command('DecideLeave', { leaveId: 'LV-9', approved: true })).thenRefused('InvalidTransition', 'requested no leave LV-9');
  });

  it('refuses the employee deciding their own leave', () => {
    spec.given([joined, requestedShort]).when(command('DecideLeave', { leaveId: 'LV-1', approved: true }, herself)).thenRefused('Forbidden', 'role AfterSalesSpecialist');
  });
});

describe('RecordCare', () => {
  it('records the care given to an employee', () => {
    spec
      .given([joined])
      .when(command('RecordCare', { kind: 'psychological', note: '谈心，缓解旺季压力' }))
      .then([{ type: 'CareRecorded', data: { employeeId, kind: 'psychological', note: '谈心，缓解旺季压力' } }]);
  });

  it('refuses care for someone not employed, an unknown kind and a blank note', () => {
    spec.given([joined, left]).when(command('RecordCare', { kind: 'life', note: '慰问' })).thenRefused('InvalidTransition', 'left the department');
    spec.given([joined]).when(command('RecordCare', { kind: 'money', note: '慰问' })).thenRefused('InvalidCommand', 'data.kind');
    spec.given([joined]).when(command('RecordCare', { kind: 'life', note: '' })).thenRefused('InvalidCommand', 'data.note');
  });
});
