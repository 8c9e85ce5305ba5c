import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import {
  activeBudgetHistory,
  budgetCommand as command,
  budgetData,
  budgetHistoryThrough as through,
  budgetId,
  budgetManagerActor,
  claimantActor,
  expenseApproved,
  expenseClaimed,
  financeActor,
  fiscalYear,
  generalManagerActor,
} from '../testing/budget.js';
import type { BudgetEvent } from './index.js';
import { budget } from './index.js';

const spec = specify(budget);
const given = (events: readonly BudgetEvent[]) => spec.given(events);

const returned: BudgetEvent[] = [
  ...through('BudgetSubmitted'),
  { type: 'BudgetReviewed', data: { budgetId, approved: false, comments: 'tools line too high' } },
];
const closedLines = [
  { category: 'materials', originalAmount: 100_000, amount: 100_000, approvedSpend: 0 },
  { category: 'tools', originalAmount: 50_000, amount: 50_000, approvedSpend: 0 },
];
const closed: BudgetEvent[] = [...activeBudgetHistory, { type: 'BudgetClosed', data: { budgetId, lines: closedLines } }];
const withClaim = (amount = 30_000, category = 'materials', claimantId = 'SP-01') => [
  ...activeBudgetHistory,
  expenseClaimed('EX-1', category, amount, claimantId),
];

const expenseClaimedAs = (description: string): BudgetEvent => ({
  type: 'ExpenseClaimed',
  data: { budgetId, expenseId: 'EX-1', category: 'materials', amount: 30_000, description, claimantId: 'SP-01', claimantRole: 'AfterSalesSpecialist' },
});

describe('DraftBudget', () => {
  it('drafts a new budget', () => {
    given([]).when(command('DraftBudget')).then([{ type: 'BudgetDrafted', data: budgetData.DraftBudget }]);
  });
  it('redrafts a budget finance returned', () => {
    const lines = [{ category: 'materials', amount: 100_000 }, { category: 'tools', amount: 40_000 }];
    given(returned).when(command('DraftBudget', { lines })).then([{ type: 'BudgetDrafted', data: { budgetId, fiscalYear, lines } }]);
  });
  it('keeps the fiscal year on a redraft', () => {
    given(returned).when(command('DraftBudget', { fiscalYear: 2027 })).thenRefused('InvalidCommand', 'data.fiscalYear');
  });
  it.each([
    ['Drafted', through('BudgetDrafted')],
    ['Submitted', through('BudgetSubmitted')],
    ['Reviewed', through('BudgetReviewed')],
    ['Active', activeBudgetHistory],
    ['Closed', closed],
  ] as const)('is refused once the budget is %s', (status, events) => {
    given(events).when(command('DraftBudget')).thenRefused('InvalidTransition', `budget ${budgetId} ${status === 'Closed' ? 'is Closed' : `is ${status}`}`);
  });
  it.each([
    [{ lines: [{ category: 'materials', amount: 1000.5 }] }, 'data.lines.0.amount'],
    [{ lines: [{ category: 'materials', amount: -1 }] }, 'data.lines.0.amount'],
    [{ lines: [{ category: 'materials', amount: '1000' }] }, 'data.lines.0.amount'],
    [{ lines: [{ category: 'a', amount: 1 }, { category: 'a', amount: 2 }] }, 'data.lines.1.category'],
    [{ lines: [] }, 'data.lines'],
    [{ fiscalYear: '2026' }, 'data.fiscalYear'],
    [{ currency: 'CNY' }, 'data'],
  ])('is refused as InvalidCommand for %j', (data, path) => {
    given([]).when(command('DraftBudget', data)).thenRefused('InvalidCommand', path);
  });
  it('is refused to anyone but the department manager', () => {
    given([]).when(command('DraftBudget', {}, financeActor)).thenRefused('Forbidden', 'role Finance may not issue it');
    given([]).when(command('DraftBudget', {}, { id: 'AU-1', role: 'Auditor' })).thenRefused('Forbidden', 'read-only');
  });
});

describe('SubmitBudget, ReviewBudget and ApproveBudget', () => {
  it('take a draft through finance to the general manager', () => {
    given(through('BudgetDrafted')).when(command('SubmitBudget')).then([{ type: 'BudgetSubmitted', data: { budgetId } }]);
    given(through('BudgetSubmitted')).when(command('ReviewBudget')).then([{ type: 'BudgetReviewed', data: { budgetId, approved: true, comments: '' } }]);
    given(through('BudgetReviewed')).when(command('ApproveBudget')).then([
      { type: 'BudgetApproved', data: { budgetId, lines: budgetData.DraftBudget.lines } },
    ]);
  });
  it('return a budget finance did not approve, for a redraft and a new submission', () => {
    given(through('BudgetSubmitted'))
      .when(command('ReviewBudget', { approved: false, comments: 'tools line too high' }))
      .then([returned[2]!]);
    given(returned).when(command('SubmitBudget')).thenRefused('InvalidTransition', 'is Returned; expected Drafted');
    given(returned).when(command('ApproveBudget')).thenRefused('InvalidTransition', 'is Returned; expected Reviewed');
  });
  it('require finance to say why it returns a budget', () => {
    given(through('BudgetSubmitted')).when(command('ReviewBudget', { approved: false, comments: ' ' })).thenRefused('InvalidCommand', 'data.comments');
  });
  it('are refused out of order', () => {
    given([]).when(command('SubmitBudget')).thenRefused('InvalidTransition', `budget ${budgetId} does not exist; expected Drafted`);
    given(through('BudgetSubmitted')).when(command('SubmitBudget')).thenRefused('InvalidTransition', 'is Submitted');
    given(through('BudgetDrafted')).when(command('ReviewBudget')).thenRefused('InvalidTransition', 'is Drafted; expected Submitted');
    given(through('BudgetReviewed')).when(command('ReviewBudget')).thenRefused('InvalidTransition', 'is Reviewed');
    given(through('BudgetSubmitted')).when(command('ApproveBudget')).thenRefused('InvalidTransition', 'is Submitted; expected Reviewed');
    given(activeBudgetHistory).when(command('ApproveBudget')).thenRefused('InvalidTransition', 'is Active');
  });
  it('are refused to the wrong roles', () => {
    given(through('BudgetDrafted')).when(command('SubmitBudget', {}, claimantActor())).thenRefused('Forbidden');
    given(through('BudgetSubmitted')).when(command('ReviewBudget', {}, budgetManagerActor)).thenRefused('Forbidden');
    given(through('BudgetReviewed')).when(command('ApproveBudget', {}, financeActor)).thenRefused('Forbidden');
  });
});

describe('ClaimExpense', () => {
  it('claims against a line of an active budget, by a specialist or the manager', () => {
    given(activeBudgetHistory).when(command('ClaimExpense')).then([expenseClaimedAs('缝纫线与纽扣')]);
    given(activeBudgetHistory)
      .when(command('ClaimExpense', {}, budgetManagerActor))
      .then([{ type: 'ExpenseClaimed', data: { ...budgetData.ClaimExpense, claimantId: 'DM-01', claimantRole: 'DepartmentManager' } }]);
  });
  it('accepts a claim larger than what is left on the line: approval is where the line is enforced', () => {
    given(activeBudgetHistory).when(command('ClaimExpense', { amount: 200_000 })).then([
      { type: 'ExpenseClaimed', data: { ...budgetData.ClaimExpense, amount: 200_000, claimantId: 'SP-01', claimantRole: 'AfterSalesSpecialist' } },
    ]);
  });
  it('is refused for a category that is not a line', () => {
    given(activeBudgetHistory).when(command('ClaimExpense', { category: 'travel' })).thenRefused('InvalidCommand', 'data.category (travel) is not a line of the budget (lines: materials, tools)');
  });
  it('is refused for an expense id already used, whatever became of it', () => {
    given(withClaim()).when(command('ClaimExpense')).thenRefused('InvalidTransition', 'expense EX-1 was already claimed on budget BG-2026 (now Pending)');
    given([...withClaim(), { type: 'ExpenseRejected', data: { budgetId, expenseId: 'EX-1', reason: 'no receipt' } }])
      .when(command('ClaimExpense'))
      .thenRefused('InvalidTransition', 'now Rejected');
  });
  it.each([
    [{ amount: 12.5 }, 'data.amount'],
    [{ amount: -100 }, 'data.amount'],
    [{ amount: 0 }, 'data.amount'],
    [{ description: '' }, 'data.description'],
  ])('is refused as InvalidCommand for %j', (data, path) => {
    given(activeBudgetHistory).when(command('ClaimExpense', data)).thenRefused('InvalidCommand', path);
  });
  it('is refused before the budget is active and after it is closed', () => {
    given(through('BudgetReviewed')).when(command('ClaimExpense')).thenRefused('InvalidTransition', 'is Reviewed; expected Active');
    given(closed).when(command('ClaimExpense')).thenRefused('InvalidTransition', 'is Closed and accepts nothing more');
  });
  it('is refused to finance and the endpoints', () => {
    given(activeBudgetHistory).when(command('ClaimExpense', {}, financeActor)).thenRefused('Forbidden');
    given(activeBudgetHistory).when(command('ClaimExpense', {}, { id: 'EP-01', role: 'BusinessEndpoint' })).thenRefused('Forbidden');
  });
});

describe('ApproveExpense', () => {
  it('approves a pending claim within its line', () => {
    given(withClaim()).when(command('ApproveExpense')).then([expenseApproved('EX-1', 'materials', 30_000)]);
  });
  it('approves up to exactly the line amount', () => {
    given([...withClaim(70_000), expenseApproved('EX-1', 'materials', 70_000), expenseClaimed('EX-2', 'materials', 30_000)])
      .when(command('ApproveExpense', { expenseId: 'EX-2' }))
      .then([expenseApproved('EX-2', 'materials', 30_000)]);
  });
  it('is refused with OverBudget, naming the figures, when the line would be exceeded', () => {
    const error = given([...withClaim(70_000), expenseApproved('EX-1', 'materials', 70_000), expenseClaimed('EX-2', 'materials', 30_001)])
      .when(command('ApproveExpense', { expenseId: 'EX-2' }))
      .thenRefused('OverBudget', 'line materials of budget BG-2026');
    expect(error).toMatchObject({ category: 'materials', lineAmount: 100_000, approvedSpend: 70_000, requested: 30_001 });
  });
  it('measures against the line as adjusted', () => {
    const raised: BudgetEvent = { type: 'LineAdjusted', data: { budgetId, category: 'tools', previousAmount: 50_000, amount: 60_000, reason: 'iron' } };
    given([...activeBudgetHistory, raised, expenseClaimed('EX-1', 'tools', 55_000)])
      .when(command('ApproveExpense'))
      .then([expenseApproved('EX-1', 'tools', 55_000)]);
  });
  it('is refused for a claim that is not pending', () => {
    given(activeBudgetHistory).when(command('ApproveExpense')).thenRefused('InvalidTransition', 'expense EX-1 on budget BG-2026 was never claimed; expected a Pending claim');
    given([...withClaim(), expenseApproved('EX-1', 'materials', 30_000)]).when(command('ApproveExpense')).thenRefused('InvalidTransition', 'is Approved');
  });
  it('is refused to the manager for their own claim', () => {
    given(withClaim(30_000, 'materials', 'DM-01')).when(command('ApproveExpense')).thenRefused('Forbidden', 'DM-01 claimed expense EX-1');
  });
  it("leaves a department manager's claim to the general manager, for approval and rejection", () => {
    const managersClaim = [...activeBudgetHistory, expenseClaimed('EX-1', 'materials', 30_000, 'DM-02', 'DepartmentManager')];
    given(managersClaim).when(command('ApproveExpense', {}, generalManagerActor)).then([expenseApproved('EX-1', 'materials', 30_000)]);
    given(managersClaim)
      .when(command('RejectExpense', {}, generalManagerActor))
      .then([{ type: 'ExpenseRejected', data: { budgetId, expenseId: 'EX-1', reason: 'no receipt' } }]);
    given(managersClaim).when(command('ApproveExpense')).thenRefused('Forbidden', 'the GeneralManager decides it');
    given(managersClaim).when(command('RejectExpense')).thenRefused('Forbidden', 'the GeneralManager decides it');
  });
  it('is refused to a claimant however their id is dressed up: a padded id is no id at all', () => {
    given(withClaim(30_000, 'materials', 'DM-01'))
      .when(command('ApproveExpense', {}, { id: 'DM-01 ', role: 'DepartmentManager' }))
      .thenRefused('InvalidCommand', 'metadata.actor.id');
  });
  it("leaves claims recorded without the claimant's role to the department manager", () => {
    given([...activeBudgetHistory, expenseClaimed('EX-1', 'materials', 30_000, 'SP-01', undefined)])
      .when(command('ApproveExpense'))
      .then([expenseApproved('EX-1', 'materials', 30_000)]);
  });
  it('is refused to anyone but the department manager', () => {
    given(withClaim()).when(command('ApproveExpense', {}, generalManagerActor)).thenRefused('Forbidden');
    given(withClaim()).when(command('ApproveExpense', {}, claimantActor())).thenRefused('Forbidden');
  });
  it('is refused once the budget is closed, the claim staying unapproved', () => {
    given([...withClaim(), { type: 'BudgetClosed', data: { budgetId, lines: closedLines } }]).when(command('ApproveExpense')).thenRefused('InvalidTransition', 'is Closed');
  });
});

describe('RejectExpense', () => {
  it('rejects a pending claim with a reason', () => {
    given(withClaim()).when(command('RejectExpense')).then([{ type: 'ExpenseRejected', data: { budgetId, expenseId: 'EX-1', reason: 'no receipt' } }]);
  });
  it('is refused for a claim that is not pending, or without a reason', () => {
    given([...withClaim(), expenseApproved('EX-1', 'materials', 30_000)]).when(command('RejectExpense')).thenRefused('InvalidTransition', 'is Approved');
    given(withClaim()).when(command('RejectExpense', { reason: '' })).thenRefused('InvalidCommand', 'data.reason');
  });
  it('is refused to anyone but the department manager', () => {
    given(withClaim()).when(command('RejectExpense', {}, financeActor)).thenRefused('Forbidden');
  });
});

describe('AdjustLine', () => {
  it('raises or lowers a line of an active budget', () => {
    given(activeBudgetHistory).when(command('AdjustLine')).then([
      { type: 'LineAdjusted', data: { budgetId, category: 'tools', previousAmount: 50_000, amount: 60_000, reason: 'a second steam iron' } },
    ]);
    given([...withClaim(), expenseApproved('EX-1', 'materials', 30_000)])
      .when(command('AdjustLine', { category: 'materials', amount: 30_000 }))
      .then([{ type: 'LineAdjusted', data: { budgetId, category: 'materials', previousAmount: 100_000, amount: 30_000, reason: 'a second steam iron' } }]);
  });
  it('is refused below what is already approved on the line', () => {
    given([...withClaim(), expenseApproved('EX-1', 'materials', 30_000)])
      .when(command('AdjustLine', { category: 'materials', amount: 29_999 }))
      .thenRefused('InvalidCommand', 'data.amount (29999 fen) is below the 30000 fen already approved on line materials');
  });
  it('is refused for an unknown line, an unchanged amount, or money that is not whole fen', () => {
    given(activeBudgetHistory).when(command('AdjustLine', { category: 'travel' })).thenRefused('InvalidCommand', 'data.category');
    given(activeBudgetHistory).when(command('AdjustLine', { amount: 50_000 })).thenRefused('InvalidCommand', 'already the amount');
    given(activeBudgetHistory).when(command('AdjustLine', { amount: 600.5 })).thenRefused('InvalidCommand', 'data.amount');
    given(activeBudgetHistory).when(command('AdjustLine', { amount: -1 })).thenRefused('InvalidCommand', 'data.amount');
  });
  it('is refused unless active', () => {
    given(through('BudgetReviewed')).when(command('AdjustLine')).thenRefused('InvalidTransition', 'is Reviewed; expected Active');
    given(closed).when(command('AdjustLine')).thenRefused('InvalidTransition', 'is Closed');
  });
  it('is refused to anyone but the general manager', () => {
    given(activeBudgetHistory).when(command('AdjustLine', {}, budgetManagerActor)).thenRefused('Forbidden');
  });
});

describe('CloseBudget', () => {
  it('closes an active budget with the final figures per line, leaving pending claims unapproved', () => {
    const raised: BudgetEvent = { type: 'LineAdjusted', data: { budgetId, category: 'tools', previousAmount: 50_000, amount: 60_000, reason: 'iron' } };
    given([...withClaim(), expenseApproved('EX-1', 'materials', 30_000), raised, expenseClaimed('EX-2', 'tools', 5_000)])
      .when(command('CloseBudget'))
      .then([
        {
          type: 'BudgetClosed',
          data: {
            budgetId,
            lines: [
              { category: 'materials', originalAmount: 100_000, amount: 100_000, approvedSpend: 30_000 },
              { category: 'tools', originalAmount: 50_000, amount: 60_000, approvedSpend: 0 },
            ],
          },
        },
      ]);
  });
  it('is refused unless active', () => {
    given(through('BudgetReviewed')).when(command('CloseBudget')).thenRefused('InvalidTransition', 'is Reviewed; expected Active');
    given(closed).when(command('CloseBudget')).thenRefused('InvalidTransition', 'is Closed and accepts nothing more');
  });
  it('is refused to anyone but finance', () => {
    given(activeBudgetHistory).when(command('CloseBudget', {}, generalManagerActor)).thenRefused('Forbidden');
  });
});

describe('a closed budget', () => {
  it.each(Object.keys(budgetData) as (keyof typeof budgetData)[])('accepts no %s', (type) => {
    expect(given(closed).when(command(type)).decision()).toMatchObject({ _tag: 'Left', left: { code: 'InvalidTransition' } });
  });
});
