import { beforeAll, describe, expect, it } from 'vitest';
import type { KpiConfig } from './config.js';
import { defaultKpiRules } from './config.js';
import type { KpiFacts } from './kpi-facts.js';
import { at, explainKpiItem, figures, kpi, right, testDepartment } from './test-department.js';

describe('standardAwareness 知晓率, standardExecution 标准执行率, assessmentPass 考核通过率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await d.standard.publish('S-1', 1, at('03-01T09:00'), ['EP-01', 'EP-02', 'EP-03']);
    await d.standard.acknowledge('S-1', 1, 'EP-01', at('03-02T09:00'));
    // v2 supersedes v1: EP-02 and EP-03 never acknowledged v1.
    await d.standard.publish('S-1', 2, at('03-20T09:00'), ['EP-01', 'EP-02']);
    await d.standard.acknowledge('S-1', 2, 'EP-01', at('03-21T09:00'));
    // A standard retired while its published version was unacknowledged.
    await d.standard.publish('S-2', 1, at('03-05T09:00'), ['EP-01']);
    await d.standard.retire('S-2', at('03-25T09:00'));
    await d.standard.inspect('S-1', 2, 'EP-01', at('03-22T09:00'), true);
    await d.standard.inspect('S-1', 2, 'EP-02', at('03-23T09:00'), false);
    await d.standard.assess('S-1', 2, 'EP-01', 'E-1', at('03-24T09:00'), 85);
    await d.standard.assess('S-1', 2, 'EP-02', 'E-2', at('03-24T10:00'), 59);
    facts = await d.facts();
  });

  it('misses a pair not acknowledged within the acknowledgement window (7 days by default), and keeps one inside it pending', () => {
    expect(figures(kpi(facts, 'standardAwareness', '2026-03', at('03-31T00:00')))).toEqual({
      numerator: 2,
      denominator: 6,
      rate: 2 / 6,
      met: false,
      missed: ['S-1@1/EP-02', 'S-1@1/EP-03', 'S-1@2/EP-02', 'S-2@1/EP-01'],
      pending: [],
    });
    expect(right(explainKpiItem(facts, 'standardAwareness', 'S-2@1/EP-01', { asOf: at('03-31T00:00') }))).toMatchObject({
      verdict: 'miss',
      deadline: '2026-03-12T01:00:00.000Z',
      reason: { en: 'not acknowledged within 7 days of publication' },
    });
    expect(kpi(facts, 'standardAwareness', '2026-03', at('03-25T00:00')).pending).toEqual(['S-1@2/EP-02']);
  });

  it('keeps a pair pending until its deadline', () => {
    expect(figures(kpi(facts, 'standardAwareness', '2026-03', at('03-10T00:00')))).toEqual({
      numerator: 1,
      denominator: 3,
      rate: 1 / 3,
      met: false,
      missed: ['S-1@1/EP-02', 'S-1@1/EP-03'],
      pending: ['S-2@1/EP-01'],
    });
  });

  it('ends the window early when the version is superseded or the standard retired, and counts an acknowledgement at the deadline itself', async () => {
    const d = testDepartment();
    await d.standard.publish('S-1', 1, at('03-01T09:00'), ['EP-01', 'EP-02']);
    // Exactly 30 days after publication: the deadline, inclusive.
    await d.standard.acknowledge('S-1', 1, 'EP-01', at('03-31T09:00'));
    await d.standard.publish('S-3', 1, at('03-01T09:00'), ['EP-01', 'EP-02']);
    await d.standard.acknowledge('S-3', 1, 'EP-01', at('03-03T09:00'));
    await d.standard.publish('S-3', 2, at('03-05T09:00'), ['EP-01']);
    await d.standard.publish('S-4', 1, at('03-01T09:00'), ['EP-01']);
    await d.standard.retire('S-4', at('03-06T09:00'));
    const month = { ...defaultKpiRules, acknowledgementWindowDays: 30, effectiveFrom: '2000-01-01T00:00:00Z' };
    const result = kpi(await d.facts(), 'standardAwareness', '2026-03', at('03-31T09:00'), [month]);
    expect(figures(result)).toEqual({
      numerator: 2,
      denominator: 5,
      rate: 2 / 5,
      met: false,
      // At the deadline itself a pair not acknowledged yet has missed it.
      missed: ['S-1@1/EP-02', 'S-3@1/EP-02', 'S-4@1/EP-01'],
      pending: ['S-3@2/EP-01'],
    });
    const facts = await d.facts();
    const explain = (itemId: string) => right(explainKpiItem(facts, 'standardAwareness', itemId, { asOf: at('03-31T09:00'), config: [month] }));
    expect(explain('S-3@1/EP-02')).toMatchObject({ deadline: '2026-03-05T01:00:00.000Z', reason: { en: 'not acknowledged before the version was superseded' } });
    expect(explain('S-4@1/EP-01')).toMatchObject({ reason: { en: 'not acknowledged before the standard was retired' } });
    expect(explain('S-1@1/EP-01')).toMatchObject({ verdict: 'hit', deadline: '2026-03-31T01:00:00.000Z' });
  });

  it('counts compliant inspections and passed assessments', () => {
    expect(figures(kpi(facts, 'standardExecution', '2026-03', at('03-31T00:00')))).toMatchObject({
      numerator: 1,
      denominator: 2,
      missed: ['S-1@2/EP-02#12'],
    });
    const assessments = kpi(facts, 'assessmentPass', '2026-03', at('03-31T00:00'));
    expect(figures(assessments)).toMatchObject({ numerator: 1, denominator: 2, missed: ['S-1@2/E-2#14'] });
    expect(assessments.breakdowns.employee).toEqual({
      'E-1': { numerator: 1, denominator: 1, rate: 1, missed: [], missedCount: 0 },
      'E-2': { numerator: 0, denominator: 1, rate: 0, missed: ['S-1@2/E-2#14'], missedCount: 1 },
    });
  });
});

describe('appraisalOnTime 考核计划完成及时率, staffCompetency 人员胜任率, recommendationApproval 总经理审批通过率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await d.appraisals.plan('A-1', 'SP-01', at('01-10T09:00'), at('06-30T18:00'));
    await d.appraisals.plan('A-2', 'SP-02', at('01-10T09:00'), at('06-30T18:00'));
    await d.appraisals.plan('A-3', 'SP-03', at('01-10T09:00'), at('06-30T18:00'));
    await d.appraisals.complete('A-1', at('06-28T09:00'), true);
    await d.appraisals.complete('A-2', at('07-02T09:00'), false);
    await d.appraisals.recommend('A-1', at('07-01T09:00'), 'reward', true);
    await d.appraisals.recommend('A-2', at('07-03T09:00'), 'penalty', false);
    await d.appraisals.recommend('A-1', at('07-05T09:00'), 'gradeChange', true);
    facts = await d.facts();
  });

  it('puts an appraisal in the period of its due date, pending until then', () => {
    expect(figures(kpi(facts, 'appraisalOnTime', '2026-06', at('06-29T00:00')))).toEqual({
      numerator: 1,
      denominator: 1,
      rate: 1,
      met: true,
      missed: [],
      pending: ['A-2', 'A-3'],
    });
    expect(figures(kpi(facts, 'appraisalOnTime', '2026-06', at('07-10T00:00')))).toEqual({
      numerator: 1,
      denominator: 3,
      rate: 1 / 3,
      met: false,
      missed: ['A-2', 'A-3'],
      pending: [],
    });
    expect(kpi(facts, 'appraisalOnTime', '2026-01', at('07-10T00:00')).denominator).toBe(0);
  });

  it('counts competence in the period of completion', () => {
    expect(kpi(facts, 'staffCompetency', '2026-06', at('07-10T00:00'))).toMatchObject({ numerator: 1, denominator: 1, met: true });
    expect(kpi(facts, 'staffCompetency', '2026-Q3', at('07-10T00:00'))).toMatchObject({ numerator: 0, denominator: 1, missed: ['A-2'], met: false });
    expect(kpi(facts, 'staffCompetency', '2026', at('07-10T00:00'))).toMatchObject({ numerator: 1, denominator: 2 });
  });

  it('counts approved recommendations, by kind', () => {
    const result = kpi(facts, 'recommendationApproval', '2026-07', at('07-10T00:00'));
    expect(figures(result)).toMatchObject({ numerator: 2, denominator: 3, missed: ['A-2/1'] });
    expect(result.breakdowns.kind).toEqual({
      gradeChange: { numerator: 1, denominator: 1, rate: 1, missed: [], missedCount: 0 },
      penalty: { numerator: 0, denominator: 1, rate: 0, missed: ['A-2/1'], missedCount: 1 },
      reward: { numerator: 1, denominator: 1, rate: 1, missed: [], missedCount: 0 },
    });
  });
});

describe('budgetExecution 预算执行达标率 and costControl 成本控制达标率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await d.budgets.activate('B-1', at('01-05T09:00'), [
      { category: 'training', amount: 100_000 },
      { category: 'tools', amount: 50_000 },
      { category: 'travel', amount: 20_000 },
    ]);
    await d.budgets.spend('B-1', 'training', 85_000, at('03-01T09:00'));
    await d.budgets.spend('B-1', 'tools', 30_000, at('03-01T09:00'));
    await d.budgets.spend('B-1', 'travel', 20_000, at('03-01T09:00'));
    await d.budgets.adjust('B-1', 'tools', 60_000, at('05-01T09:00'));
    await d.budgets.adjust('B-1', 'tools', 40_000, at('06-01T09:00'));
    await d.budgets.adjust('B-1', 'training', 90_000, at('06-01T09:00'));
    await d.budgets.close('B-1', at('12-31T17:00'));
    facts = await d.facts();
  });

  it('checks the spend of each closed line against [floor, 100%] of its final amount', () => {
    const result = kpi(facts, 'budgetExecution', '2026-12', at('12-31T23:00'));
    expect(figures(result)).toEqual({ numerator: 2, denominator: 3, rate: 2 / 3, met: false, missed: ['B-1/tools'], pending: [] });
    expect(result.breakdowns.category?.['tools']).toEqual({ numerator: 0, denominator: 1, rate: 0, missed: ['B-1/tools'], missedCount: 1 });
    expect(right(explainKpiItem(facts, 'budgetExecution', 'B-1/tools', { asOf: at('12-31T23:00') }))?.reason.en).toBe(
      'spent 30000 of 40000 fen (75.0%), outside [80%, 100%]',
    );
  });

  it('uses the floor in force at the closing', () => {
    const config: KpiConfig = [
      { effectiveFrom: '2026-01-01T00:00:00+08:00', ...defaultKpiRules },
      { effectiveFrom: '2026-12-01T00:00:00+08:00', ...defaultKpiRules, executionFloor: 0.7 },
    ];
    expect(kpi(facts, 'budgetExecution', '2026', at('12-31T23:00'), config)).toMatchObject({ numerator: 3, denominator: 3, met: true });
  });

  it('misses a line ever raised above its approved amount, even if lowered again', () => {
    expect(figures(kpi(facts, 'costControl', '2026-Q4', at('12-31T23:00')))).toEqual({
      numerator: 2,
      denominator: 3,
      rate: 2 / 3,
      met: false,
      missed: ['B-1/tools'],
      pending: [],
    });
    expect(right(explainKpiItem(facts, 'costControl', 'B-1/tools', { asOf: at('12-31T23:00') }))?.evidence.map((evidence) => evidence.type)).toEqual([
      'LineAdjusted',
      'BudgetClosed',
    ]);
  });

  it('gives no rate and no verdict for a period with no closed budget', () => {
    for (const id of ['budgetExecution', 'costControl'] as const) {
      expect(figures(kpi(facts, id, '2026-Q3', at('12-31T23:00')))).toEqual({ numerator: 0, denominator: 0, rate: null, met: null, missed: [], pending: [] });
    }
    expect(kpi(facts, 'costControl', '2026-12', at('12-31T16:00')).denominator).toBe(0);
  });
});
