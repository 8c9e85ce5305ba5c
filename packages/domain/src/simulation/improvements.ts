import { DAY, HOUR, isoLocal, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { department, departmentIds, departmentManager, vipService } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

/** A department records an improvement on an issue assigned to another department: refused as `Forbidden`. */
export const WRONG_DEPARTMENT_COMMAND_ID = 'ISS-wrong-department';

type Outcome = 'fixed' | 'fixedSecondTime' | 'late' | 'neverEffective' | 'cancelledEarly' | 'cancelledLate' | 'pending';

/** The outcome of the n-th issue of the year (from 0): mostly fixed in time, with a few misses of each kind. */
const outcomeOf = (index: number): Outcome =>
  (({ 3: 'fixedSecondTime', 5: 'late', 9: 'cancelledEarly', 12: 'neverEffective', 15: 'late', 17: 'cancelledLate', 19: 'fixedSecondTime' }) as Record<number, Outcome>)[index] ??
  'fixed';

const sources = ['feedback', 'vipOpinion', 'complaint', 'inspection'] as const;
const categories = ['quality', 'timeliness', 'service', 'process', 'other'] as const;
const descriptions = {
  quality: 'seams of altered waists come apart after washing',
  timeliness: 'garments wait two days at the logistics hub before the return',
  service: 'customers are not told when a repair will be late',
  process: 'repair slips reach the department without the customer signature',
  other: 'labels of repaired garments fade in the packaging',
} as const;

/**
 * Problems found over the year (问题改进), two a month from January to November and one in December:
 * raised by the manager or the VIP service department, sent to the department responsible with two
 * weeks to fix them. Most are fixed and verified in time; some need a second fix, some are late or
 * never effective, two are cancelled (one before, one after its due date), and the December issue is
 * still waiting for verification at year end.
 */
export const scheduleImprovements = (timeline: Timeline, random: Random, year: number): void => {
  for (let index = 0; index < 23; index += 1) {
    const issueId = `ISS-${year}-${String(index + 1).padStart(3, '0')}`;
    const emit = emitterFor(timeline, issueId, true);
    const month = Math.min(12, Math.floor(index / 2) + 1);
    const outcome: Outcome = index === 22 ? 'pending' : outcomeOf(index);
    const raised = localTime(year, month, index % 2 === 0 ? 6 : 18, 10, random.int(0, 59));
    const source = sources[index % sources.length]!;
    const category = categories[index % categories.length]!;
    const responsibleDepartment = departmentIds[index % departmentIds.length]!;
    // The last issue of the year is due on New Year's Eve, after the year's last command: still open, not yet missed.
    const dueBy = outcome === 'pending' ? localTime(year, 12, 31, 23, 59) : raised + 14 * DAY;
    emit(raised, source === 'vipOpinion' ? vipService : departmentManager, 'RaiseIssue', {
      issueId,
      source,
      ...(source === 'feedback' || source === 'vipOpinion' ? { orderId: `RO-${year}-${String(index * 37 + 5).padStart(6, '0')}` } : {}),
      category,
      description: descriptions[category],
      responsibleDepartment,
      dueBy: isoLocal(dueBy),
    });
    const fixer = department(responsibleDepartment);
    if (outcome === 'cancelledEarly' || outcome === 'cancelledLate') {
      emit(outcome === 'cancelledEarly' ? raised + 3 * DAY : dueBy + 2 * DAY, departmentManager, 'CancelIssue', {
        issueId,
        reason: 'the same problem is followed under another issue',
      });
      continue;
    }
    if (index === 7) {
      const other = departmentIds[(index + 1) % departmentIds.length]!;
      emit(raised + DAY, department(other), 'RecordImprovement', { issueId, action: 'checked our own process' }, WRONG_DEPARTMENT_COMMAND_ID);
    }
    let t = raised + (outcome === 'late' ? 15 : random.int(3, 6)) * DAY;
    emit(t, fixer, 'RecordImprovement', { issueId, action: `${responsibleDepartment} changed its procedure and trained its staff` });
    if (outcome === 'pending') continue;
    t += random.int(1, 2) * DAY + random.int(0, 4) * HOUR;
    const firstEffective = outcome === 'fixed' || outcome === 'late';
    emit(t, departmentManager, 'VerifyImprovement', {
      issueId,
      effective: firstEffective,
      note: firstEffective ? '' : 'the same defect came back on the next batch',
    });
    if (firstEffective) continue;
    t += 3 * DAY;
    emit(t, fixer, 'RecordImprovement', { issueId, action: 'replaced the supplier of the thread' });
    t += 2 * DAY;
    emit(t, departmentManager, 'VerifyImprovement', {
      issueId,
      effective: outcome === 'fixedSecondTime',
      note: outcome === 'fixedSecondTime' ? '' : 'still found on one garment in ten',
    });
  }
};

/** Whether the n-th suggestion (one a month) is adopted: the second quarter falls below half adopted, the fourth sits exactly at half. */
const adoptedPattern = [true, true, false, true, false, false, true, true, true, false, true] as const;

/**
 * One suggestion (合理化建议) a month to another department, decided one to three weeks later; the
 * December suggestion is still undecided at year end.
 */
export const scheduleSuggestions = (timeline: Timeline, random: Random, year: number): void => {
  for (let month = 1; month <= 12; month += 1) {
    const suggestionId = `SUG-${year}-${String(month).padStart(2, '0')}`;
    const emit = emitterFor(timeline, suggestionId, true);
    const toDepartment = departmentIds[month % departmentIds.length]!;
    const proposed = localTime(year, month, 3 + random.int(0, 4), 11, random.int(0, 59));
    emit(proposed, departmentManager, 'ProposeSuggestion', {
      suggestionId,
      toDepartment,
      title: `suggestion ${month} to ${toDepartment}`,
      rationale: 'issues raised this month point to the same cause',
      relatedIssueIds: [`ISS-${year}-${String(Math.min(22, month * 2 - 1)).padStart(3, '0')}`],
    });
    const adopted = adoptedPattern[month - 1];
    if (adopted === undefined) continue;
    emit(proposed + random.int(7, 20) * DAY, department(toDepartment), 'DecideSuggestion', {
      suggestionId,
      adopted,
      reason: adopted ? '' : 'not worth the cost this year',
    });
  }
};
