import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { CommandAccepted, DomainError, RecordedEvent } from '@aftersales/core';
import { verifyStreamChain } from '@aftersales/core/adapter-kit';

/**
 * A budget raced by many writers: every writer claims expenses on the same two lines and has them
 * approved, so that together they ask for far more than the lines hold and every append contends for
 * the one `Budget-` stream.
 */
export const BUDGET_ID = 'BUD-RACE';
export const BUDGET_STREAM = `Budget-${BUDGET_ID}`;
export const LINES = [
  { category: 'materials', amount: 100_000 },
  { category: 'tools', amount: 50_000 },
] as const;

const at = (minute: number) => new Date(Date.UTC(2026, 2, 2, 1, 0) + minute * 60_000).toISOString().replace('.000Z', '+00:00');

const command = (type: string, data: Record<string, unknown>, commandId: string, actor: { id: string; role: string }, minute: number) => ({
  type,
  data: { budgetId: BUDGET_ID, ...data },
  metadata: { commandId, actor, at: at(minute) },
});

const manager = { id: 'DM-01', role: 'DepartmentManager' };

/**
 * The business time of every raced command: writers append in whatever order they win the stream,
 * and business time may not run backwards within it, so they all act at the same minute.
 */
const RACE_MINUTE = 10;

/** Draft, submit, review and approve: the budget is then active. */
export const setupCommands = (): unknown[] => [
  command('DraftBudget', { fiscalYear: 2026, lines: LINES }, 'race/draft', manager, 0),
  command('SubmitBudget', {}, 'race/submit', manager, 1),
  command('ReviewBudget', { approved: true, comments: 'within plan' }, 'race/review', { id: 'FIN-01', role: 'Finance' }, 2),
  command('ApproveBudget', {}, 'race/approve', { id: 'GM-01', role: 'GeneralManager' }, 3),
];

/**
 * One writer's commands: claims by a specialist, each followed by the manager's approval (or, now and
 * then, rejection), and with a `rival`, an approval of the rival's claim of the same index by another
 * manager. `random` picks amounts and lines, so that writers differ but runs repeat.
 */
export const writerCommands = (writer: string, claims: number, random: () => number, rival?: string): unknown[] => {
  const specialist = { id: `SP-${writer}`, role: 'AfterSalesSpecialist' };
  const commands: unknown[] = [];
  for (let index = 0; index < claims; index += 1) {
    const expenseId = `EX-${writer}-${index}`;
    const category = random() < 0.6 ? 'materials' : 'tools';
    const amount = 1_000 + Math.floor(random() * 15_000);
    commands.push(command('ClaimExpense', { expenseId, category, amount, description: `parts for ${expenseId}` }, `race/${expenseId}/claim`, specialist, RACE_MINUTE));
    commands.push(
      random() < 0.85
        ? command('ApproveExpense', { expenseId }, `race/${expenseId}/approve`, manager, RACE_MINUTE)
        : command('RejectExpense', { expenseId, reason: 'no receipt' }, `race/${expenseId}/reject`, manager, RACE_MINUTE),
    );
    // A second manager approving the rival writer's expense at the same moment: at most one decision may land.
    if (rival !== undefined) {
      const rivalExpense = `EX-${rival}-${index}`;
      commands.push(command('ApproveExpense', { expenseId: rivalExpense }, `race/${rivalExpense}/approve-by-${writer}`, { id: 'DM-02', role: 'DepartmentManager' }, RACE_MINUTE));
    }
  }
  return commands;
};

export type Answer = { readonly commandId: string; readonly accepted?: CommandAccepted; readonly code?: string };

/**
 * Sends a command until its answer is final: a lost race (`ConcurrencyConflict` after the handler's own
 * retries) and an unavailable store are answered by sending the same command id again, which is safe.
 */
export const sendUntilFinal = async (
  handle: (raw: unknown) => Promise<E.Either<DomainError, CommandAccepted>>,
  raw: unknown,
): Promise<Answer & { readonly resent: number }> => {
  const commandId = (raw as { metadata: { commandId: string } }).metadata.commandId;
  for (let resent = 0; resent < 1_000; resent += 1) {
    const result = await handle(raw);
    if (E.isRight(result)) return { commandId, accepted: result.right, resent };
    if (result.left.code !== 'ConcurrencyConflict' && result.left.code !== 'StoreUnavailable') return { commandId, code: result.left.code, resent };
  }
  throw new Error(`${commandId} never got a final answer`);
};

const Claimed = z.object({ expenseId: z.string(), category: z.string(), amount: z.number() });
const Decided = z.object({ expenseId: z.string() });

export interface RaceFigures {
  readonly events: number;
  readonly approved: number;
  readonly overBudgetRefusals: number;
  readonly spend: Readonly<Record<string, number>>;
}

/**
 * What must hold of the raced stream, whatever the interleaving: revisions 0, 1, 2 … without a gap,
 * an intact hash chain, no event id twice, no expense decided twice or decided before its claim, and
 * no line's approved spend above its amount. Returns what went wrong, and the figures.
 */
export const checkRacedBudget = (stream: readonly RecordedEvent[]): { problems: string[]; spend: Record<string, number>; approved: number } => {
  const problems: string[] = [];
  stream.forEach((event, index) => {
    if (event.revision !== index) problems.push(`revision ${event.revision} at position ${index}`);
  });
  problems.push(...verifyStreamChain(stream).map((problem) => `${problem.kind} at ${problem.revision}`));
  const ids = new Set(stream.map((event) => event.eventId));
  if (ids.size !== stream.length) problems.push(`${stream.length - ids.size} event id(s) stored twice`);
  const claims = new Map<string, { category: string; amount: number; decided: boolean }>();
  const spend: Record<string, number> = Object.fromEntries(LINES.map((line) => [line.category, 0]));
  let approved = 0;
  for (const event of stream) {
    if (event.type === 'ExpenseClaimed') {
      const claim = Claimed.parse(event.data);
      if (claims.has(claim.expenseId)) problems.push(`${claim.expenseId} claimed twice`);
      claims.set(claim.expenseId, { category: claim.category, amount: claim.amount, decided: false });
    }
    if (event.type === 'ExpenseApproved' || event.type === 'ExpenseRejected') {
      const { expenseId } = Decided.parse(event.data);
      const claim = claims.get(expenseId);
      if (claim === undefined) problems.push(`${expenseId} decided before it was claimed`);
      else if (claim.decided) problems.push(`${expenseId} decided twice`);
      else {
        claim.decided = true;
        if (event.type === 'ExpenseApproved') {
          approved += 1;
          spend[claim.category] = (spend[claim.category] ?? 0) + claim.amount;
        }
      }
    }
  }
  for (const line of LINES) {
    if ((spend[line.category] ?? 0) > line.amount) problems.push(`${line.category}: approved ${spend[line.category]} of ${line.amount}`);
  }
  return { problems, spend, approved };
};

/** Every accepted answer's events are in the stream exactly once, where the answer said, from its command. */
export const missingOrDoubled = (stream: readonly RecordedEvent[], answers: readonly Answer[]): string[] => {
  const problems: string[] = [];
  const byId = new Map(stream.map((event) => [event.eventId, event]));
  const perCommand = new Map<string, number>();
  for (const event of stream) perCommand.set(event.metadata.commandId, (perCommand.get(event.metadata.commandId) ?? 0) + 1);
  for (const answer of answers) {
    const events = answer.accepted?.events ?? [];
    for (const event of events) {
      const stored = byId.get(event.eventId);
      if (stored === undefined || stored.revision !== event.revision || stored.metadata.commandId !== answer.commandId) {
        problems.push(`${answer.commandId}: ${event.type} acknowledged at ${event.revision} is not stored there`);
      }
    }
    if (answer.accepted !== undefined && (perCommand.get(answer.commandId) ?? 0) !== events.length) {
      problems.push(`${answer.commandId}: ${events.length} event(s) acknowledged, ${perCommand.get(answer.commandId) ?? 0} stored`);
    }
    if (answer.accepted === undefined && perCommand.has(answer.commandId)) problems.push(`${answer.commandId}: refused (${answer.code}) but stored`);
  }
  return problems;
};
