import type { BudgetFacts } from '../facts/schema.js';
import type { JudgeContext, KpiItem } from '../kpi-definitions.js';
import { happened, item, reason } from './judging.js';

/** spend ≥ floor × amount, exactly: the floor is compared in millionths so that 80% of any fen amount is not rounded. */
const reachesFloor = (spend: number, amount: number, floor: number): boolean =>
  BigInt(spend) * 1_000_000n >= BigInt(Math.round(floor * 1_000_000)) * BigInt(amount);

const percent = (part: number, whole: number): string => (whole === 0 ? '—' : `${((part / whole) * 100).toFixed(1)}%`);

export const budgetExecution = (context: JudgeContext, budget: BudgetFacts): KpiItem[] => {
  const closed = budget.closed;
  if (closed === undefined || !happened(context, closed.evidence)) return [];
  const { executionFloor } = context.rulesAt(closed.evidence.epochMs);
  return closed.lines.map((line) => {
    const within = line.approvedSpend <= line.amount && reachesFloor(line.approvedSpend, line.amount, executionFloor);
    const spent = `${line.approvedSpend} of ${line.amount} fen (${percent(line.approvedSpend, line.amount)})`;
    const spentZh = `已批准支出${line.approvedSpend}分／预算${line.amount}分（${percent(line.approvedSpend, line.amount)}）`;
    return item(context, {
      kpi: 'budgetExecution',
      itemId: `${budget.budgetId}/${line.category}`,
      anchor: closed.evidence,
      evidence: [closed.evidence],
      breakdown: { category: line.category },
      verdict: within ? 'hit' : 'miss',
      reason: within
        ? reason(`spent ${spent}, within [${executionFloor * 100}%, 100%]`, `${spentZh}，在[${executionFloor * 100}%, 100%]内`)
        : reason(`spent ${spent}, outside [${executionFloor * 100}%, 100%]`, `${spentZh}，不在[${executionFloor * 100}%, 100%]内`),
    });
  });
};

export const costControl = (context: JudgeContext, budget: BudgetFacts): KpiItem[] => {
  const closed = budget.closed;
  if (closed === undefined || !happened(context, closed.evidence)) return [];
  return closed.lines.map((line) => {
    const raises = budget.adjustments.filter((adjustment) => adjustment.category === line.category && adjustment.amount > line.originalAmount);
    const base = {
      kpi: 'costControl' as const,
      itemId: `${budget.budgetId}/${line.category}`,
      anchor: closed.evidence,
      evidence: [...raises.map((raise) => raise.evidence), closed.evidence],
      breakdown: { category: line.category },
    };
    if (raises.length === 0) {
      return item(context, { ...base, verdict: 'hit', reason: reason(`never raised above the approved ${line.originalAmount} fen`, `从未调增超过批准额${line.originalAmount}分`) });
    }
    const highest = Math.max(...raises.map((raise) => raise.amount));
    return item(context, {
      ...base,
      verdict: 'miss',
      reason: reason(`raised above the approved ${line.originalAmount} fen to ${highest} fen`, `由批准额${line.originalAmount}分调增至${highest}分`),
    });
  });
};
