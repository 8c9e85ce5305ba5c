import { localTime } from './calendar.js';
import { emitterFor } from './emitter.js';
import { departmentManager, finance, generalManager, specialist, specialistIds } from './people.js';
import type { Random } from './random.js';
import type { Timeline } from './timeline.js';

/** The ids of the budget commands the simulation sends knowing the domain refuses them. */
export const OVER_BUDGET_COMMAND_ID = 'sim/refused/approve-over-budget';
export const SPECIALIST_APPROVES_COMMAND_ID = 'sim/refused/specialist-approves-expense';

const yuan = (amount: number): number => amount * 100;

/**
 * The department's budget for the year: returned once by finance, redrafted and approved; monthly
 * spending on materials and logistics (within the 80–100% execution band), training left underspent,
 * an equipment claim that would overrun its line (refused `OverBudget`, then the general manager raises
 * the line and it is approved), a few rejected claims, a specialist who tries to approve a claim himself
 * (refused `Forbidden`), a claim still pending at year end, and the close by finance on 31 December.
 */
export const scheduleBudget = (timeline: Timeline, random: Random, year: number): void => {
  const budgetId = `BUD-${year}`;
  const emit = emitterFor(timeline, budgetId);
  const at = (month: number, day: number, hour = 10) => localTime(year, month, day, hour, random.int(0, 59));
  let expenses = 0;
  const claim = (month: number, day: number, category: string, amount: number, description: string, claimant = specialist('SP-01')) => {
    expenses += 1;
    const expenseId = `EXP-${year}-${String(expenses).padStart(3, '0')}`;
    emit(at(month, day, 11), claimant, 'ClaimExpense', { budgetId, expenseId, category, amount, description });
    return expenseId;
  };
  const approve = (month: number, day: number, expenseId: string) =>
    emit(at(month, day, 16), departmentManager, 'ApproveExpense', { budgetId, expenseId });

  emit(at(1, 2), departmentManager, 'DraftBudget', {
    budgetId,
    fiscalYear: year,
    lines: [
      { category: 'materials', amount: yuan(60_000) },
      { category: 'equipment', amount: yuan(35_000) },
      { category: 'training', amount: yuan(15_000) },
      { category: 'logistics', amount: yuan(20_000) },
    ],
  });
  emit(at(1, 3), departmentManager, 'SubmitBudget', { budgetId });
  emit(at(1, 6), finance, 'ReviewBudget', { budgetId, approved: false, comments: 'equipment is 75% above last year; bring it down' });
  emit(at(1, 7), departmentManager, 'DraftBudget', {
    budgetId,
    fiscalYear: year,
    lines: [
      { category: 'materials', amount: yuan(60_000) },
      { category: 'equipment', amount: yuan(20_000) },
      { category: 'training', amount: yuan(15_000) },
      { category: 'logistics', amount: yuan(20_000) },
    ],
  });
  emit(at(1, 7, 15), departmentManager, 'SubmitBudget', { budgetId });
  emit(at(1, 9), finance, 'ReviewBudget', { budgetId, approved: true, comments: 'in line with last year' });
  emit(at(1, 12), generalManager, 'ApproveBudget', { budgetId });

  for (let month = 2; month <= 12; month += 1) {
    const materials = claim(month, 5, 'materials', yuan(random.int(4_600, 5_100)), 'thread, zips, buttons and lining fabric', specialist(random.pick(specialistIds)));
    approve(month, 6, materials);
    const logistics = claim(month, 8, 'logistics', yuan(random.int(1_550, 1_700)), 'courier between the endpoints and the workshop');
    approve(month, 9, logistics);
  }
  const personalTaxi = claim(4, 20, 'logistics', yuan(380), 'taxi home after overtime', specialist('SP-04'));
  emit(at(4, 21, 16), departmentManager, 'RejectExpense', { budgetId, expenseId: personalTaxi, reason: 'commuting is not a department expense' });
  const duplicate = claim(9, 10, 'materials', yuan(4_800), 'thread, zips, buttons and lining fabric (resubmitted)', specialist('SP-02'));
  emit(at(9, 11, 16), departmentManager, 'RejectExpense', { budgetId, expenseId: duplicate, reason: 'duplicate of the September materials claim' });

  for (const [month, amount] of [[3, 3_200], [7, 2_900]] as const) {
    approve(month, 22, claim(month, 21, 'training', yuan(amount), 'external trainer for the service standard'));
  }

  const sewingMachine = claim(3, 14, 'equipment', yuan(9_000), 'industrial sewing machine', specialist('SP-01'));
  emit(at(3, 14, 15), specialist('SP-01'), 'ApproveExpense', { budgetId, expenseId: sewingMachine }, SPECIALIST_APPROVES_COMMAND_ID);
  approve(3, 15, sewingMachine);
  approve(6, 11, claim(6, 10, 'equipment', yuan(7_000), 'overlock machine'));
  const steamPress = claim(9, 15, 'equipment', yuan(6_000), 'replacement steam press');
  emit(at(9, 16, 10), departmentManager, 'ApproveExpense', { budgetId, expenseId: steamPress }, OVER_BUDGET_COMMAND_ID);
  emit(at(9, 18), generalManager, 'AdjustLine', {
    budgetId,
    category: 'equipment',
    amount: yuan(23_000),
    reason: 'the steam press failed and cannot be repaired',
  });
  approve(9, 19, steamPress);
  claim(12, 30, 'materials', yuan(1_200), 'year-end stock of lining fabric', specialist(random.pick(specialistIds)));
  emit(at(12, 31, 17), finance, 'CloseBudget', { budgetId });
};
