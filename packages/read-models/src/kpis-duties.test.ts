import { beforeAll, describe, expect, it } from 'vitest';
import type { KpiConfig } from './config.js';
import { defaultKpiRules } from './config.js';
import type { KpiFacts } from './kpi-facts.js';
import { decodeSubject } from './facts/schema.js';
import type { KpiId, KpiItem } from './kpi-definitions.js';
import { kpiItems } from './kpis.js';
import { at, explainKpiItem, figures, kpi, right, testDepartment } from './test-department.js';

// The KPIs of the rest of the department's duties (DOMAIN.md, "Their KPIs"), through real command handling.

const explain = (facts: KpiFacts, id: KpiId, itemId: string, asOf: string, config?: KpiConfig): KpiItem | undefined =>
  right(explainKpiItem(facts, id, itemId, { asOf, ...(config ? { config } : {}) }));

const verdicts = (facts: KpiFacts, id: KpiId, period: string, asOf: string, config?: KpiConfig) =>
  Object.fromEntries(right(kpiItems(facts.subjects.values(), id, { period, asOf, ...(config ? { config } : {}) })).map((item) => [item.itemId, item.verdict]));

const settings = (changes: Partial<typeof defaultKpiRules>, effectiveFrom = '2000-01-01T00:00:00Z'): KpiConfig => [{ ...defaultKpiRules, ...changes, effectiveFrom }];

describe('improvementCompliance 改进达标率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await d.improvements.raise('I-1', at('03-01T09:00'), at('03-31T18:00'));
    await d.improvements.fix('I-1', at('03-20T09:00'), true);
    await d.improvements.raise('I-2', at('03-01T09:00'), at('03-31T18:00'), 'LOGISTICS');
    await d.improvements.fix('I-2', at('03-25T09:00'), false, 'LOGISTICS');
    await d.improvements.raise('I-3', at('03-01T09:00'), at('03-31T18:00'));
    await d.improvements.cancel('I-3', at('03-10T09:00'));
    await d.improvements.raise('I-4', at('03-01T09:00'), at('03-31T18:00'));
    await d.improvements.fix('I-4', at('04-02T09:00'), true);
    await d.improvements.raise('I-5', at('03-01T09:00'), at('04-15T18:00'));
    facts = await d.facts();
  });

  it('counts an issue in the period of its due date: a hit when verified effective by then, cancelled ones left out', () => {
    expect(figures(kpi(facts, 'improvementCompliance', '2026-03', at('04-05T00:00')))).toEqual({
      numerator: 1,
      denominator: 3,
      rate: 1 / 3,
      met: false,
      missed: ['I-2', 'I-4'],
      pending: [],
    });
    expect(verdicts(facts, 'improvementCompliance', '2026-03', at('04-05T00:00'))).toEqual({ 'I-1': 'hit', 'I-2': 'miss', 'I-3': 'excluded', 'I-4': 'miss' });
    expect(kpi(facts, 'improvementCompliance', '2026-04', at('04-05T00:00')).pending).toEqual(['I-5']);
  });

  it('keeps an open issue pending until its due date, and says why one missed', () => {
    expect(figures(kpi(facts, 'improvementCompliance', '2026-03', at('03-26T00:00')))).toMatchObject({ numerator: 1, denominator: 1, met: true, pending: ['I-2', 'I-4'] });
    expect(explain(facts, 'improvementCompliance', 'I-2', at('04-05T00:00'))).toMatchObject({
      verdict: 'miss',
      deadline: at('03-31T18:00'),
      reason: { en: 'not fixed by the due date: 1 improvement(s) verified not effective' },
      evidence: [{ type: 'IssueRaised' }, { type: 'ImprovementVerified' }],
      breakdown: { department: 'LOGISTICS', category: 'quality' },
    });
    expect(kpi(facts, 'improvementCompliance', '2026-03', at('04-05T00:00')).breakdowns.department).toMatchObject({
      LOGISTICS: { numerator: 0, denominator: 1 },
      PRODUCTION: { numerator: 1, denominator: 2, missed: ['I-4'] },
    });
  });
});

describe('suggestionAdoption 合理化建议采纳率, at least 50%', () => {
  it('meets its target at 50% exactly and misses it below, counting decided suggestions only', async () => {
    const d = testDepartment();
    await d.suggestions.decide('SG-1', at('03-02T09:00'), true);
    await d.suggestions.decide('SG-2', at('03-03T09:00'), false, 'PRODUCTION');
    await d.suggestions.propose('SG-3', at('03-04T09:00'));
    await d.suggestions.decide('SG-4', at('04-02T09:00'), false);
    const facts = await d.facts();
    const march = kpi(facts, 'suggestionAdoption', '2026-03', at('04-30T00:00'));
    expect(march.target).toEqual({ direction: 'atLeast', rate: 0.5 });
    expect(figures(march)).toEqual({ numerator: 1, denominator: 2, rate: 0.5, met: true, missed: ['SG-2'], pending: [] });
    expect(figures(kpi(facts, 'suggestionAdoption', '2026-Q2', at('04-30T00:00')))).toMatchObject({ numerator: 0, denominator: 1, met: false });
    expect(figures(kpi(facts, 'suggestionAdoption', '2026', at('04-30T00:00')))).toMatchObject({ numerator: 1, denominator: 3, met: false });
    expect(march.breakdowns.department).toMatchObject({ DESIGN: { numerator: 1, denominator: 1 }, PRODUCTION: { numerator: 0, denominator: 1 } });
    expect(explain(facts, 'suggestionAdoption', 'SG-3', at('04-30T00:00'))).toBeUndefined();
  });
});

describe('delegatedTaskOnTime 委派工作完成及时率', () => {
  it('hits a result reported by the due date, leaves out a task withdrawn before it, and keeps an open one pending', async () => {
    const d = testDepartment();
    await d.tasks.delegate('T-1', at('03-01T09:00'), at('03-20T18:00'));
    await d.tasks.report('T-1', at('03-20T18:00'));
    await d.tasks.delegate('T-2', at('03-01T09:00'), at('03-20T18:00'));
    await d.tasks.withdraw('T-2', at('03-05T09:00'));
    await d.tasks.delegate('T-3', at('03-01T09:00'), at('03-25T18:00'));
    await d.tasks.delegate('T-4', at('03-01T09:00'), at('03-20T18:00'));
    await d.tasks.report('T-4', at('03-21T09:00'));
    const facts = await d.facts();
    expect(figures(kpi(facts, 'delegatedTaskOnTime', '2026-03', at('03-22T00:00')))).toEqual({
      numerator: 1,
      denominator: 2,
      rate: 0.5,
      met: false,
      missed: ['T-4'],
      pending: ['T-3'],
    });
    expect(verdicts(facts, 'delegatedTaskOnTime', '2026-03', at('04-01T00:00'))).toEqual({ 'T-1': 'hit', 'T-2': 'excluded', 'T-3': 'miss', 'T-4': 'miss' });
    expect(explain(facts, 'delegatedTaskOnTime', 'T-3', at('04-01T00:00'))).toMatchObject({ verdict: 'miss', reason: { en: 'no result reported by the due date' } });
  });
});

describe('staffTurnover 员工流失率, at most the limit for the period', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    for (let n = 1; n <= 20; n += 1) await d.staff.join(`E-${n}`, '2025-12-01T09:00:00+08:00');
    await d.staff.leave('E-3', at('02-10T09:00'), 'dismissed');
    await d.staff.leave('E-1', at('03-10T09:00'), 'resigned');
    await d.staff.leave('E-2', at('03-15T09:00'), 'transferred');
    await d.staff.join('E-21', at('03-16T09:00'));
    await d.staff.join('E-22', at('03-16T09:00'), 'DepartmentManager');
    await d.staff.join('E-1', at('04-10T09:00'));
    await d.staff.leave('E-4', at('04-01T00:00'), 'retired');
    facts = await d.facts();
  });

  it('divides the leavers of a period by those employed at its start plus those who joined during it', () => {
    // March: 19 employed on 1 March (E-3 left in February) + 2 joined; E-1 resigned, E-2's transfer is not turnover.
    const march = kpi(facts, 'staffTurnover', '2026-03', at('04-30T00:00'));
    expect(figures(march)).toEqual({ numerator: 1, denominator: 21, rate: 1 / 21, met: false, missed: ['E-1#0'], pending: [] });
    expect(march.target).toEqual({ direction: 'atMost', rate: 0.03 });
    // Q1: 20 employed on 1 January + 2 joined; E-3 and E-1 left: 2 / 22 = 9.1%, over the 6% of a quarter.
    expect(figures(kpi(facts, 'staffTurnover', '2026-Q1', at('04-30T00:00')))).toMatchObject({ numerator: 2, denominator: 22, met: false, missed: ['E-1#0', 'E-3#0'] });
    // The year: the same two leavers over 23 stretches of employment (E-1 rejoined in April): within 15%.
    const year = kpi(facts, 'staffTurnover', '2026', at('04-30T00:00'));
    expect(figures(year)).toMatchObject({ numerator: 2, denominator: 23, met: true });
    expect(year.target).toEqual({ direction: 'atMost', rate: 0.15 });
    // April: 19 employed on 1 April (E-4 retires at that very instant, still counted) + E-1 again.
    expect(figures(kpi(facts, 'staffTurnover', '2026-04', at('04-30T00:00')))).toMatchObject({ numerator: 0, denominator: 20, rate: 0, met: true });
    expect(march.breakdowns.position).toMatchObject({ AfterSalesSpecialist: { numerator: 1, denominator: 20 }, DepartmentManager: { numerator: 0, denominator: 1 } });
  });

  it('as of an instant inside the period, counts the turnover so far, and knows nothing of later leavers', () => {
    expect(figures(kpi(facts, 'staffTurnover', '2026-03', at('03-05T00:00')))).toMatchObject({ numerator: 0, denominator: 19, rate: 0, met: true, pending: [] });
    // E-1 resigned in March: in February's figures, E-1 was still employed.
    expect(verdicts(facts, 'staffTurnover', '2026-02', at('04-30T00:00'))).toMatchObject({ 'E-1#0': 'hit', 'E-3#0': 'miss' });
    expect(explain(facts, 'staffTurnover', 'E-1#0', at('04-30T00:00'))).toMatchObject({
      verdict: 'miss',
      reason: { en: 'left the department: resigned' },
      evidence: [{ type: 'EmployeeJoined' }, { type: 'EmployeeLeft' }],
    });
    expect(explain(facts, 'staffTurnover', 'E-1#2', at('04-30T00:00'))).toMatchObject({ verdict: 'hit' });
    expect(explain(facts, 'staffTurnover', 'E-2#0', at('04-30T00:00'))).toMatchObject({ verdict: 'hit', reason: { en: 'left the department (transferred), which is not turnover' } });
  });

  it('takes the limit of the period length from the settings in force at the start of the period', () => {
    const monthly5 = settings({ turnoverLimits: { month: 0.05, quarter: 0.1, year: 0.2 } });
    expect(kpi(facts, 'staffTurnover', '2026-03', at('04-30T00:00'), monthly5)).toMatchObject({ target: { direction: 'atMost', rate: 0.05 }, met: true });
    // A limit raised on 2 March is not March's: March began under the default 3%.
    const raisedMidMonth: KpiConfig = [...settings({}), ...settings({ turnoverLimits: { month: 0.05, quarter: 0.1, year: 0.2 } }, at('03-02T00:00'))];
    expect(kpi(facts, 'staffTurnover', '2026-03', at('04-30T00:00'), raisedMidMonth)).toMatchObject({ target: { rate: 0.03 }, met: false });
    expect(kpi(facts, 'staffTurnover', '2026-04', at('04-30T00:00'), raisedMidMonth)).toMatchObject({ target: { rate: 0.05 } });
  });

  it('keeps no name in the KPI facts', () => {
    const employee = [...facts.subjects.values()].find((subject) => subject.kind === 'employee');
    expect(JSON.stringify(employee)).not.toContain('张伟');
    expect(decodeSubject(JSON.parse(JSON.stringify(employee)))).toEqual({ ok: true, facts: employee });
  });
});

describe('jobDescriptionAwareness 岗位职责知晓率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await d.jobDescriptions.explain('P-1', 1, at('03-01T09:00'), ['E-1', 'E-2', 'E-3']);
    await d.jobDescriptions.confirm('P-1', 1, 'E-1', at('03-02T09:00'));
    // Exactly seven days after the explanation: the deadline itself counts.
    await d.jobDescriptions.confirm('P-1', 1, 'E-2', at('03-08T09:00'));
    facts = await d.facts();
  });

  it('hits a confirmation within the window of the explanation, and keeps an unconfirmed pair pending until its deadline', () => {
    expect(figures(kpi(facts, 'jobDescriptionAwareness', '2026-03', at('03-05T00:00')))).toEqual({
      numerator: 1,
      denominator: 1,
      rate: 1,
      met: true,
      missed: [],
      pending: ['P-1@1/E-2', 'P-1@1/E-3'],
    });
    expect(figures(kpi(facts, 'jobDescriptionAwareness', '2026-03', at('03-09T00:00')))).toMatchObject({ numerator: 2, denominator: 3, missed: ['P-1@1/E-3'], pending: [] });
    expect(explain(facts, 'jobDescriptionAwareness', 'P-1@1/E-3', at('03-09T00:00'))).toMatchObject({
      verdict: 'miss',
      deadline: '2026-03-08T01:00:00.000Z',
      reason: { en: 'not confirmed within 7 days of the explanation' },
      breakdown: { position: 'P-1', employee: 'E-3' },
    });
  });

  it('judges by the window in force at the explanation', () => {
    const short = settings({ jobDescriptionWindowDays: 3 });
    expect(verdicts(facts, 'jobDescriptionAwareness', '2026-03', at('03-09T00:00'), short)).toEqual({ 'P-1@1/E-1': 'hit', 'P-1@1/E-2': 'miss', 'P-1@1/E-3': 'miss' });
  });
});

describe('institutionCompleteness 完善率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    const manager = { id: 'DM-01', role: 'DepartmentManager' } as const;
    const generalManager = { id: 'GM-01', role: 'GeneralManager' } as const;
    await d.documents.plan('R-1', 1, at('03-01T09:00'), at('03-31T18:00'));
    await d.standard.publish('R-1', 1, at('03-20T09:00'), ['EP-01']);
    await d.documents.plan('R-2', 1, at('03-01T09:00'), at('03-31T18:00'), 'process');
    await d.documents.plan('R-3', 1, at('03-01T09:00'), at('03-31T18:00'), 'tool');
    await d.standard.publish('R-3', 1, at('04-02T09:00'), ['EP-01']);
    // v1 rejected, v2 published by the due date: the plan asked for the document.
    await d.documents.plan('R-4', 1, at('03-01T09:00'), at('03-31T18:00'));
    await d.send('DraftStandard', { standardId: 'R-4', version: 1, title: '工具管理', clauses: ['登记'] }, at('03-02T09:00'), manager);
    await d.send('SubmitStandard', { standardId: 'R-4', version: 1 }, at('03-02T09:00'), manager);
    await d.send('RejectStandard', { standardId: 'R-4', version: 1, reason: 'too vague' }, at('03-03T09:00'), generalManager);
    await d.standard.publish('R-4', 2, at('03-25T09:00'), ['EP-01']);
    await d.documents.plan('R-5', 1, at('03-01T09:00'), at('04-30T18:00'));
    facts = await d.facts();
  });

  it('counts a planned version in the period of its due date: a hit when published by then', () => {
    expect(figures(kpi(facts, 'institutionCompleteness', '2026-03', at('04-05T00:00')))).toEqual({
      numerator: 2,
      denominator: 4,
      rate: 0.5,
      met: false,
      missed: ['R-2@1', 'R-3@1'],
      pending: [],
    });
    expect(kpi(facts, 'institutionCompleteness', '2026-03', at('03-21T00:00')).pending).toEqual(['R-2@1', 'R-3@1', 'R-4@1']);
    expect(kpi(facts, 'institutionCompleteness', '2026-04', at('04-05T00:00')).pending).toEqual(['R-5@1']);
    expect(explain(facts, 'institutionCompleteness', 'R-4@1', at('04-05T00:00'))).toMatchObject({ verdict: 'hit', reason: { en: 'published by its due date (as version 2)' } });
    expect(explain(facts, 'institutionCompleteness', 'R-3@1', at('04-05T00:00'))).toMatchObject({ verdict: 'miss', reason: { en: 'published after its due date' } });
    expect(kpi(facts, 'institutionCompleteness', '2026-03', at('04-05T00:00')).breakdowns.kind).toMatchObject({ rule: { numerator: 2, denominator: 2 }, process: { numerator: 0, denominator: 1 } });
  });
});
