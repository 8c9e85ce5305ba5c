import { DAY, HOUR, isoLocal, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, generalManager } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

const titles = ['collect the returns of the spring collection', 'prepare the VIP customer visit', 'review the repair prices with finance', 'report on a customer complaint'];

/**
 * Work the general manager delegates (委派工作): two tasks a month, due in one to two weeks. Most are
 * reported in time; three are reported late, one is withdrawn before its due date, and the last task
 * of the year is due on New Year's Eve and not yet reported at year end.
 */
export const scheduleAssignments = (timeline: Timeline, random: Random, year: number): void => {
  for (let index = 0; index < 24; index += 1) {
    const taskId = `TASK-${year}-${String(index + 1).padStart(3, '0')}`;
    const emit = emitterFor(timeline, taskId, true);
    const month = Math.floor(index / 2) + 1;
    const delegated = localTime(year, month, index % 2 === 0 ? 4 : 16, 15, random.int(0, 59));
    const pending = index === 23;
    const dueBy = pending ? localTime(year, 12, 31, 23, 59) : delegated + random.int(7, 14) * DAY;
    emit(delegated, generalManager, 'DelegateTask', { taskId, title: titles[index % titles.length]!, detail: 'see the attached note', dueBy: isoLocal(dueBy) });
    if (pending) continue;
    if (index === 10) {
      emit(delegated + 2 * DAY, generalManager, 'WithdrawTask', { taskId, reason: 'finance takes this over' });
      continue;
    }
    const late = index === 4 || index === 13 || index === 19;
    emit(late ? dueBy + random.int(1, 3) * DAY : dueBy - random.int(1, 4) * DAY - random.int(0, 5) * HOUR, departmentManager, 'ReportTaskResult', {
      taskId,
      result: 'done; the summary is in the shared folder',
    });
  }
};
