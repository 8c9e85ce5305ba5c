import type { DocumentKind } from '../service-standard/commands.js';
import { DAY, isoLocal, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, endpoint, endpointIds, generalManager } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

type Course = 'onTime' | 'late' | 'rejected' | 'pending';

/**
 * The rules, processes, tools and standards the department plans to complete during the year
 * (制度建设 · 完善率), each due at the end of a quarter: most are published in time; one is
 * published late, one is rejected so the version planned is never published, and the last is
 * due on New Year's Eve and still being drafted at year end.
 */
const plans: ReadonlyArray<{ readonly standardId: string; readonly title: string; readonly kind: DocumentKind; readonly quarter: number; readonly course: Course }> = [
  { standardId: 'RULE-LEAVE', title: 'Leave and attendance rule 请假考勤制度', kind: 'rule', quarter: 1, course: 'onTime' },
  { standardId: 'PROC-RETURNS', title: 'Returning repaired garments 修复返还流程', kind: 'process', quarter: 1, course: 'onTime' },
  { standardId: 'TOOL-CHECKLIST', title: 'Repair inspection checklist 修复检验清单', kind: 'tool', quarter: 2, course: 'late' },
  { standardId: 'STD-PACKAGING', title: 'Packaging standard 包装标准', kind: 'standard', quarter: 2, course: 'onTime' },
  { standardId: 'RULE-CARE', title: 'Staff care rule 员工关怀制度', kind: 'rule', quarter: 3, course: 'rejected' },
  { standardId: 'PROC-COMPLAINTS', title: 'Handling complaints 投诉处理流程', kind: 'process', quarter: 3, course: 'onTime' },
  { standardId: 'TOOL-SCHEDULE', title: 'Repair scheduling board 修复排期看板', kind: 'tool', quarter: 4, course: 'onTime' },
  { standardId: 'STD-VIP', title: 'VIP repair standard VIP修复标准', kind: 'standard', quarter: 4, course: 'pending' },
];

const quarterEnd = (year: number, quarter: number) => localTime(year, quarter * 3 + 1, 1) - 6 * 60 * 60 * 1000;

export const scheduleStandardPlans = (timeline: Timeline, random: Random, year: number): void => {
  for (const { standardId, title, kind, quarter, course } of plans) {
    const emit = emitterFor(timeline, standardId, true);
    const planned = localTime(year, quarter * 3 - 2, 5, 10, random.int(0, 59));
    const dueBy = course === 'pending' ? localTime(year, 12, 31, 23, 59) : quarterEnd(year, quarter);
    emit(planned, departmentManager, 'PlanStandard', { standardId, version: 1, title, kind, dueBy: isoLocal(dueBy) });
    let t = planned + random.int(10, 30) * DAY;
    emit(t, departmentManager, 'DraftStandard', { standardId, version: 1, title, clauses: [`${title}: what is done, by whom, by when`] });
    if (course === 'pending') continue;
    emit((t += 2 * DAY), departmentManager, 'SubmitStandard', { standardId, version: 1 });
    if (course === 'rejected') {
      emit((t += 3 * DAY), generalManager, 'RejectStandard', { standardId, version: 1, reason: 'care is a duty of every manager, not a separate rule' });
      continue;
    }
    emit((t += 3 * DAY), generalManager, 'ApproveStandard', { standardId, version: 1 });
    t = course === 'late' ? dueBy + random.int(3, 10) * DAY : Math.min(t + 2 * DAY, dueBy - 2 * DAY);
    emit(t, departmentManager, 'PublishStandard', { standardId, version: 1, endpointIds: [...endpointIds] });
    for (const endpointId of endpointIds) {
      emit(t + random.int(1, 4) * DAY, endpoint(endpointId), 'AcknowledgeStandard', { standardId, version: 1, endpointId });
    }
  }
};
