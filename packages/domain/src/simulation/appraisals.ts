import type { Rating, RecommendationKind } from '../appraisal/commands.js';
import { DAY, HOUR, isoLocal, localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, generalManager, specialist, specialistIds } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

const scoreRange: Readonly<Record<Rating, readonly [number, number]>> = {
  A: [88, 98],
  B: [75, 89],
  C: [62, 76],
  D: [45, 60],
};

const rate = (random: Random): Rating => {
  const draw = random.next();
  return draw < 0.2 ? 'A' : draw < 0.7 ? 'B' : draw < 0.97 ? 'C' : 'D';
};

/**
 * Quarterly appraisals of every specialist: planned at the start of the quarter, due at its end.
 * One appraisal a year is completed late (Q2, SP-03), one specialist is rated not competent (Q3, SP-05),
 * A ratings lead to a reward proposal and D ratings to a grade change, and the general manager turns
 * down some proposals (always Q2, SP-02).
 */
export const scheduleAppraisals = (timeline: Timeline, random: Random, year: number): void => {
  const quarters = [
    { quarter: 1, planned: localTime(year, 1, 6, 10), due: localTime(year, 3, 31, 18) },
    { quarter: 2, planned: localTime(year, 4, 3, 10), due: localTime(year, 6, 30, 18) },
    { quarter: 3, planned: localTime(year, 7, 3, 10), due: localTime(year, 9, 30, 18) },
    { quarter: 4, planned: localTime(year, 10, 9, 10), due: localTime(year, 12, 28, 18) },
  ];
  for (const { quarter, planned, due } of quarters) {
    for (const employeeId of specialistIds) {
      const appraisalId = `AP-${year}-Q${quarter}-${employeeId}`;
      const emit = emitterFor(timeline, appraisalId);
      emit(planned + random.int(0, 120) * 60_000, departmentManager, 'PlanAppraisal', {
        appraisalId,
        employeeId,
        cycle: `${year}-Q${quarter}`,
        dueBy: isoLocal(due),
      });
      const late = (quarter === 2 && employeeId === 'SP-03') || (quarter < 4 && random.chance(0.05));
      const forcedRefusal = quarter === 2 && employeeId === 'SP-02';
      const rating: Rating = forcedRefusal ? 'A' : quarter === 3 && employeeId === 'SP-05' ? 'D' : rate(random);
      const [low, high] = scoreRange[rating];
      let t = late ? due + random.int(1, 4) * DAY : due - random.int(3, 8) * DAY - random.int(0, 6) * HOUR;
      emit(t, departmentManager, 'ScoreAppraisal', {
        appraisalId,
        scores: { quality: random.int(low, high), timeliness: random.int(low, high), teamwork: random.int(low, high) },
        rating,
        competent: rating !== 'D',
      });
      t += random.int(1, 3) * HOUR;
      emit(t, departmentManager, 'CompleteAppraisal', { appraisalId });
      if (random.chance(0.9)) {
        emit(t + random.int(1, 3) * DAY, specialist(employeeId), 'AcknowledgeAppraisal', { appraisalId });
      }
      if (rating === 'A' || rating === 'D') {
        const kind: RecommendationKind = rating === 'A' ? 'reward' : 'gradeChange';
        const proposed = t + DAY;
        emit(proposed, departmentManager, 'ProposeRecommendation', {
          appraisalId,
          kind,
          detail: rating === 'A' ? `quarterly bonus for ${employeeId}` : `move ${employeeId} down one grade until the next appraisal`,
        });
        const approved = !forcedRefusal && !random.chance(0.25);
        emit(proposed + random.int(2, 4) * DAY, generalManager, 'DecideRecommendation', {
          appraisalId,
          approved,
          reason: approved ? '' : 'the reward budget for this quarter is spent',
        });
      }
    }
  }
};
