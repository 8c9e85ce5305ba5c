import type { LeavingReason } from '../employee/commands.js';
import { DAY, HOUR, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, generalManager, humanResources, specialist, specialistIds } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

/** The department manager tries to approve a leave of more than three days: refused as `Forbidden`, the general manager decides it. */
export const LONG_LEAVE_BY_MANAGER_COMMAND_ID = 'LV-long-by-manager';

export const SPECIALIST_POSITION = 'AfterSalesSpecialist';

const names: Readonly<Record<string, string>> = {
  'SP-01': '王磊',
  'SP-02': '李娜',
  'SP-03': '张伟',
  'SP-04': '刘洋',
  'SP-05': '陈静',
  'SP-06': '杨帆',
  'SP-07': '赵敏',
  'SP-08': '黄强',
  'SP-09': '周婷',
  'SP-10': '吴昊',
};

/**
 * Specialists who come and go during the year, besides the six who repair all year: one resigns in
 * May, one is dismissed in October, one is transferred in November (not turnover), and one joins
 * just before year end.
 */
const comings: ReadonlyArray<{ readonly employeeId: string; readonly joined: [number, number]; readonly left?: [number, number, LeavingReason] }> = [
  { employeeId: 'SP-07', joined: [2, 16], left: [5, 20, 'resigned'] },
  { employeeId: 'SP-08', joined: [6, 8], left: [11, 16, 'transferred'] },
  { employeeId: 'SP-09', joined: [3, 2], left: [10, 12, 'dismissed'] },
  { employeeId: 'SP-10', joined: [12, 21] },
];

const duties = {
  1: ['repair garments as scheduled', 'inspect own work before handing it over', 'finish, package and return repaired garments'],
  2: ['repair garments as scheduled', 'inspect own work before handing it over', 'finish, package and return repaired garments', 'train endpoint staff on the service standard'],
} as const;

/**
 * The department's people (员工) and the specialists' job description (岗位职责说明书) over the year:
 * everyone joins on 2 January; specialists take short leaves the manager decides and one long leave
 * the general manager decides; the manager records care every month. The job description's version 1
 * is rejected once, approved in January, filed with HR and explained to every specialist, each of whom
 * confirms it (one late, one never); version 2 follows in August. The specialist who joins in
 * December has it explained but not yet confirmed at year end.
 */
export const scheduleStaff = (timeline: Timeline, random: Random, year: number): void => {
  const at = (month: number, day: number, hour = 10) => localTime(year, month, day, hour, random.int(0, 59));

  const managerEmit = emitterFor(timeline, 'DM-01', true);
  managerEmit(at(1, 2, 9), departmentManager, 'JoinDepartment', { employeeId: 'DM-01', position: 'DepartmentManager', name: '孙丽' });

  specialistIds.forEach((employeeId, index) => {
    const emit = emitterFor(timeline, employeeId, true);
    emit(at(1, 2, 9), departmentManager, 'JoinDepartment', { employeeId, position: SPECIALIST_POSITION, name: names[employeeId]! });
    const me = specialist(employeeId);
    for (let month = 1 + (index % 3); month <= 12; month += 3) {
      const leaveId = `LV-${year}-${employeeId}-${String(month).padStart(2, '0')}`;
      const long = index === 2 && month === 6;
      const from = new Date(Date.UTC(year, month - 1, 10 + index));
      const days = long ? 5 : 1 + (month % 3);
      const to = new Date(from.getTime() + (days - 1) * DAY);
      const requested = at(month, 2 + index, 11);
      emit(requested, me, 'RequestLeave', {
        employeeId,
        leaveId,
        from: from.toISOString().slice(0, 10),
        to: to.toISOString().slice(0, 10),
        reason: long ? 'family visit' : 'personal matters',
      });
      if (long) emit(requested + HOUR, departmentManager, 'DecideLeave', { employeeId, leaveId, approved: true }, LONG_LEAVE_BY_MANAGER_COMMAND_ID);
      emit(requested + DAY, long ? generalManager : departmentManager, 'DecideLeave', { employeeId, leaveId, approved: month !== 10 });
      if (month % 2 === 0) {
        emit(at(month, 25, 16), departmentManager, 'RecordCare', { employeeId, kind: (['life', 'work', 'psychological'] as const)[month % 3]!, note: 'talked about the busy season' });
      }
    }
  });

  for (const { employeeId, joined, left } of comings) {
    const emit = emitterFor(timeline, employeeId, true);
    emit(at(joined[0], joined[1], 9), departmentManager, 'JoinDepartment', { employeeId, position: SPECIALIST_POSITION, name: names[employeeId]! });
    if (left === undefined) continue;
    emit(at(left[0], 15, 16), departmentManager, 'RecordCare', { employeeId, kind: 'work', note: 'talked about their plans' });
    emit(at(left[0], left[1], 17), departmentManager, 'LeaveDepartment', { employeeId, reason: left[2] });
  }

  const positionId = SPECIALIST_POSITION;
  const emit = emitterFor(timeline, `JD-${positionId}`, true);
  emit(at(1, 5), departmentManager, 'DraftJobDescription', { positionId, version: 1, duties: [...duties[1]].slice(0, 2) });
  emit(at(1, 6), departmentManager, 'SubmitJobDescription', { positionId, version: 1 });
  emit(at(1, 7), generalManager, 'RejectJobDescription', { positionId, version: 1, reason: 'finishing and returning are part of the job' });
  emit(at(1, 8), departmentManager, 'DraftJobDescription', { positionId, version: 1, duties: [...duties[1]] });
  emit(at(1, 9), departmentManager, 'SubmitJobDescription', { positionId, version: 1 });
  emit(at(1, 12), generalManager, 'ApproveJobDescription', { positionId, version: 1 });
  emit(at(1, 13), humanResources, 'FileJobDescription', { positionId, version: 1 });

  const explained = (version: number, when: number, employeeIds: readonly string[], late: readonly string[], never: readonly string[]) => {
    emit(when, departmentManager, 'ExplainJobDescription', { positionId, version, employeeIds: [...employeeIds] });
    for (const employeeId of employeeIds) {
      if (never.includes(employeeId)) continue;
      const confirmed = when + (late.includes(employeeId) ? 9 : random.int(1, 5)) * DAY + random.int(0, 5) * HOUR;
      emit(confirmed, specialist(employeeId), 'ConfirmJobDescription', { positionId, version, employeeId });
    }
  };
  explained(1, at(1, 15, 14), specialistIds, ['SP-05'], ['SP-06']);
  explained(1, at(3, 5, 14), ['SP-07', 'SP-09'], [], []);

  emit(at(8, 3), departmentManager, 'DraftJobDescription', { positionId, version: 2, duties: [...duties[2]] });
  emit(at(8, 4), departmentManager, 'SubmitJobDescription', { positionId, version: 2 });
  emit(at(8, 10), generalManager, 'ApproveJobDescription', { positionId, version: 2 });
  emit(at(8, 11), humanResources, 'FileJobDescription', { positionId, version: 2 });
  const employedInSeptember = [...specialistIds, 'SP-08', 'SP-09'];
  explained(2, at(9, 1, 14), employedInSeptember, ['SP-03'], []);
  // The December joiner has until the second week of January to confirm: pending at year end.
  explained(2, at(12, 28, 14), ['SP-10'], [], ['SP-10']);
};
