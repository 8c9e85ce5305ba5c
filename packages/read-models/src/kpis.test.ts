import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KpiConfig } from './config.js';
import { defaultKpiRules } from './config.js';
import type { KpiFacts } from './kpi-facts.js';
import { decodeSubject } from './kpi-facts.js';
import { computeKpis, kpiIds, kpiItems } from './kpis.js';
import { at, explainKpiItem, figures, kpi, right, testDepartment } from './test-department.js';

type Department = ReturnType<typeof testDepartment>;

/** Takes an order from receipt to a passed repair inspection, with the given inspection outcomes. */
const repair = async (
  d: Department,
  orderId: string,
  options: { received: string; promisedBy: string; inspections: ReadonlyArray<{ at: string; passed: boolean }>; specialistId?: string; endpointId?: string },
) => {
  await d.order.receive(orderId, options.received, options.endpointId);
  await d.order.confirm(orderId, options.received);
  await d.order.schedule(orderId, options.received, options.promisedBy, options.specialistId);
  for (const inspection of options.inspections) {
    await d.order.start(orderId, inspection.at);
    await d.order.complete(orderId, inspection.at);
    await d.order.inspectRepair(orderId, inspection.at, inspection.passed);
  }
};

describe('timelyReceipt 接收及时完成率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    // Hit: confirmed and scheduled within 24 h.
    await d.order.receive('RO-1', at('03-02T09:00'));
    await d.order.confirm('RO-1', at('03-02T10:00'));
    await d.order.schedule('RO-1', at('03-03T08:30'), at('03-06T18:00'));
    // Miss: scheduled 25 h after receipt.
    await d.order.receive('RO-2', at('03-02T10:00'), 'EP-02');
    await d.order.confirm('RO-2', at('03-02T11:00'));
    await d.order.schedule('RO-2', at('03-03T11:00'), at('03-06T18:00'));
    // Received on the last evening of March, never handled: pending until 04-01 20:00, then missed.
    await d.order.receive('RO-3', at('03-31T20:00'));
    // Cancelled before its deadline: not an item.
    await d.order.receive('RO-4', at('03-10T09:00'));
    await d.order.cancel('RO-4', at('03-10T12:00'));
    // Cancelled after its deadline without being handled: still a miss.
    await d.order.receive('RO-5', at('03-10T09:00'));
    await d.order.cancel('RO-5', at('03-12T09:00'));
    // 2026-04-01 07:00 in Shanghai is still 31 March in UTC: April's.
    await d.order.receive('RO-6', at('04-01T07:00'));
    await d.order.confirm('RO-6', at('04-01T08:00'));
    await d.order.schedule('RO-6', at('04-01T08:00'), at('04-03T18:00'));
    facts = await d.facts();
  });

  it('counts misses once their deadline passed, and leaves out cancelled and April orders', () => {
    expect(figures(kpi(facts, 'timelyReceipt', '2026-03', at('04-01T21:00')))).toEqual({
      numerator: 1,
      denominator: 4,
      rate: 0.25,
      met: false,
      missed: ['RO-2', 'RO-3', 'RO-5'],
      pending: [],
    });
  });

  it('keeps an order whose deadline is after "as of" pending, in no denominator', () => {
    expect(figures(kpi(facts, 'timelyReceipt', '2026-03', at('04-01T08:00')))).toEqual({
      numerator: 1,
      denominator: 3,
      rate: 1 / 3,
      met: false,
      missed: ['RO-2', 'RO-5'],
      pending: ['RO-3'],
    });
  });

  it('ignores what happened after "as of": on 2 March RO-1 is still pending', () => {
    const result = kpi(facts, 'timelyReceipt', '2026-03', at('03-02T12:00'));
    expect(figures(result)).toMatchObject({ numerator: 0, denominator: 0, rate: null, met: null, pending: ['RO-1', 'RO-2'] });
  });

  it('buckets by the configured time zone: 04-01 07:00 +08:00 is April in Shanghai, March in UTC', () => {
    expect(figures(kpi(facts, 'timelyReceipt', '2026-04', at('04-05T00:00')))).toMatchObject({ numerator: 1, denominator: 1, rate: 1, met: true });
    const utc: KpiConfig = [{ effectiveFrom: '2020-01-01T00:00:00Z', ...defaultKpiRules, timeZone: 'UTC' }];
    expect(kpi(facts, 'timelyReceipt', '2026-04', at('04-05T00:00'), utc).denominator).toBe(0);
    expect(kpi(facts, 'timelyReceipt', '2026-03', at('04-05T00:00'), utc)).toMatchObject({ numerator: 2, denominator: 5 });
  });

  it('breaks down by endpoint', () => {
    expect(kpi(facts, 'timelyReceipt', '2026-03', at('04-05T00:00')).breakdowns.endpoint).toEqual({
      'EP-01': { numerator: 1, denominator: 3, rate: 1 / 3, missed: ['RO-3', 'RO-5'], missedCount: 2 },
      'EP-02': { numerator: 0, denominator: 1, rate: 0, missed: ['RO-2'], missedCount: 1 },
    });
  });

  it('explains an item with its verdict, deadline and evidence', () => {
    const item = right(explainKpiItem(facts, 'timelyReceipt', 'RO-2', { asOf: at('04-05T00:00') }));
    expect(item).toMatchObject({
      verdict: 'miss',
      deadline: '2026-03-03T02:00:00.000Z',
      month: '2026-03',
      timeZone: 'Asia/Shanghai',
      reason: { en: 'no schedule by the deadline', zh: '时限内未完成排期' },
      breakdown: { endpoint: 'EP-02' },
    });
    expect(item?.evidence.map((evidence) => [evidence.type, evidence.at])).toEqual([
      ['RepairOrderReceived', at('03-02T10:00')],
      ['ReceiptConfirmed', at('03-02T11:00')],
      ['RepairScheduled', at('03-03T11:00')],
    ]);
    expect(right(explainKpiItem(facts, 'timelyReceipt', 'RO-4', { asOf: at('04-05T00:00') }))).toMatchObject({
      verdict: 'excluded',
      reason: { en: 'cancelled before its receipt deadline' },
    });
    expect(right(explainKpiItem(facts, 'timelyReceipt', 'RO-3', { asOf: at('03-31T21:00') }))).toMatchObject({ verdict: 'pending' });
  });

  it('judges each order with the SLA in force when it was received', async () => {
    const d = testDepartment();
    await d.order.receive('RO-old', at('03-14T09:00'));
    await d.order.confirm('RO-old', at('03-14T10:00'));
    await d.order.schedule('RO-old', at('03-15T15:00'), at('03-20T18:00'));
    await d.order.receive('RO-new', at('03-16T09:00'));
    await d.order.confirm('RO-new', at('03-16T10:00'));
    await d.order.schedule('RO-new', at('03-17T15:00'), at('03-20T18:00'));
    const config: KpiConfig = [
      { effectiveFrom: '2026-01-01T00:00:00+08:00', ...defaultKpiRules },
      { effectiveFrom: '2026-03-15T00:00:00+08:00', ...defaultKpiRules, receiptSlaHours: 48 },
    ];
    expect(figures(kpi(await d.facts(), 'timelyReceipt', '2026-03', at('04-01T00:00'), config))).toMatchObject({
      numerator: 1,
      denominator: 2,
      missed: ['RO-old'],
    });
  });
});

describe('onTimeAccurateRepair 修复完成及时准确率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    await repair(d, 'RO-1', { received: at('03-02T09:00'), promisedBy: at('03-06T18:00'), inspections: [{ at: at('03-05T10:00'), passed: true }] });
    // Rescheduled before the promise: the new promise is the one in force.
    await d.order.receive('RO-2', at('03-02T09:00'));
    await d.order.confirm('RO-2', at('03-02T09:00'));
    await d.order.schedule('RO-2', at('03-02T09:00'), at('03-06T18:00'), 'SP-02');
    await d.order.reschedule('RO-2', at('03-05T09:00'), at('03-08T18:00'));
    await d.order.start('RO-2', at('03-07T09:00'));
    await d.order.complete('RO-2', at('03-07T10:00'));
    await d.order.inspectRepair('RO-2', at('03-07T10:00'), true);
    // Rework: failed first, passed second, early but not right first time.
    await repair(d, 'RO-3', {
      received: at('03-02T09:00'),
      promisedBy: at('03-09T18:00'),
      inspections: [
        { at: at('03-04T10:00'), passed: false },
        { at: at('03-05T10:00'), passed: true },
      ],
    });
    // Passed first time but after the promise.
    await repair(d, 'RO-4', { received: at('03-02T09:00'), promisedBy: at('03-06T18:00'), inspections: [{ at: at('03-07T10:00'), passed: true }], specialistId: 'SP-02' });
    // Repaired but never inspected: not an item.
    await repair(d, 'RO-5', { received: at('03-02T09:00'), promisedBy: at('03-06T18:00'), inspections: [] });
    // Passed in April: April's.
    await repair(d, 'RO-6', { received: at('03-30T09:00'), promisedBy: at('04-06T18:00'), inspections: [{ at: at('04-01T10:00'), passed: true }] });
    facts = await d.facts();
  });

  it('hits only a first-time pass by the promise in force', () => {
    const result = kpi(facts, 'onTimeAccurateRepair', '2026-03', at('04-30T00:00'));
    expect(figures(result)).toEqual({ numerator: 2, denominator: 4, rate: 0.5, met: false, missed: ['RO-3', 'RO-4'], pending: [] });
    expect(result.breakdowns.specialist).toEqual({
      'SP-01': { numerator: 1, denominator: 2, rate: 0.5, missed: ['RO-3'], missedCount: 1 },
      'SP-02': { numerator: 1, denominator: 2, rate: 0.5, missed: ['RO-4'], missedCount: 1 },
    });
  });

  it('says why an item missed', () => {
    expect(right(explainKpiItem(facts, 'onTimeAccurateRepair', 'RO-3', { asOf: at('04-30T00:00') }))?.reason.en).toBe('passed at inspection 2 after rework');
    expect(right(explainKpiItem(facts, 'onTimeAccurateRepair', 'RO-4', { asOf: at('04-30T00:00') }))?.reason.en).toBe(
      `passed after the promise in force (${at('03-06T18:00')})`,
    );
    expect(right(explainKpiItem(facts, 'onTimeAccurateRepair', 'RO-2', { asOf: at('04-30T00:00') }))).toMatchObject({
      verdict: 'hit',
      deadline: at('03-08T18:00'),
    });
    expect(right(explainKpiItem(facts, 'onTimeAccurateRepair', 'RO-5', { asOf: at('04-30T00:00') }))).toBeUndefined();
  });

  it('counts the rework as of the pass: before it, the order is not an item yet', () => {
    expect(figures(kpi(facts, 'onTimeAccurateRepair', '2026-03', at('03-04T12:00')))).toMatchObject({ numerator: 0, denominator: 0, rate: null, met: null });
    expect(kpi(facts, 'onTimeAccurateRepair', '2026-04', at('04-30T00:00'))).toMatchObject({ numerator: 1, denominator: 1 });
    expect(kpi(facts, 'onTimeAccurateRepair', '2026-Q1', at('04-30T00:00'))).toMatchObject({ numerator: 2, denominator: 4 });
    expect(kpi(facts, 'onTimeAccurateRepair', '2026', at('04-30T00:00'))).toMatchObject({ numerator: 3, denominator: 5 });
  });
});

describe('finishingCompliance 整理达标率 and customerSatisfaction 客户满意率', () => {
  let facts: KpiFacts;
  beforeAll(async () => {
    const d = testDepartment();
    const finishAndReturn = async (orderId: string, finishing: readonly boolean[], satisfied: boolean, day: string) => {
      await repair(d, orderId, { received: at(`${day}T09:00`), promisedBy: at(`${day}T18:00`), inspections: [{ at: at(`${day}T12:00`), passed: true }] });
      // Each attempt after the one before: business time never runs backwards within an order.
      for (const [attempt, passed] of finishing.entries()) {
        await d.order.finish(orderId, at(`${day}T14:${attempt}0`));
        await d.order.inspectFinishing(orderId, at(`${day}T14:${attempt}5`), passed);
      }
      await d.order.package(orderId, at(`${day}T16:00`));
      await d.order.return(orderId, at(`${day}T16:00`));
      await d.order.confirmReturn(orderId, at(`${day}T17:00`));
      await d.order.feedback(orderId, at(`${day}T18:00`), satisfied);
    };
    await finishAndReturn('RO-1', [true], true, '03-03');
    await finishAndReturn('RO-2', [false, true], true, '03-04');
    await finishAndReturn('RO-3', [false, false, true], false, '03-05');
    facts = await d.facts();
  });

  it('misses a refinished garment', () => {
    expect(figures(kpi(facts, 'finishingCompliance', '2026-03', at('04-01T00:00')))).toEqual({
      numerator: 1,
      denominator: 3,
      rate: 1 / 3,
      met: false,
      missed: ['RO-2', 'RO-3'],
      pending: [],
    });
    expect(right(explainKpiItem(facts, 'finishingCompliance', 'RO-3', { asOf: at('04-01T00:00') }))).toMatchObject({
      reason: { en: 'refinished; passed at finishing inspection 3' },
    });
  });

  it('counts satisfied feedback', () => {
    expect(figures(kpi(facts, 'customerSatisfaction', '2026-03', at('04-01T00:00')))).toEqual({
      numerator: 2,
      denominator: 3,
      rate: 2 / 3,
      met: false,
      missed: ['RO-3'],
      pending: [],
    });
  });
});

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

describe('queries', () => {
  it('returns all eighteen KPIs in order, each with a null rate over an empty log', async () => {
    const facts = await testDepartment().facts();
    const results = right(computeKpis(facts.subjects.values(), { period: '2026', asOf: at('12-31T00:00') }));
    expect(results.map((result) => result.kpi)).toEqual([...kpiIds]);
    expect(results.every((result) => result.rate === null && result.met === null)).toBe(true);
    // Every KPI is at least 100%, but for suggestion adoption (at least 50%) and staff turnover (at most the year's limit, 15% by default).
    expect(Object.fromEntries(results.map((result) => [result.kpi, result.target]))).toEqual({
      ...Object.fromEntries(kpiIds.map((kpi) => [kpi, { direction: 'atLeast', rate: 1 }])),
      suggestionAdoption: { direction: 'atLeast', rate: 0.5 },
      staffTurnover: { direction: 'atMost', rate: 0.15 },
    });
  });

  it('refuses a malformed period or instant with a message naming it', async () => {
    const facts = await testDepartment().facts();
    expect(computeKpis(facts.subjects.values(), { period: '2026-13', asOf: at('01-01T00:00') })).toEqual(E.left('period "2026-13" has no month 13'));
    expect(computeKpis(facts.subjects.values(), { period: 'March', asOf: at('01-01T00:00') })).toMatchObject(E.left(expect.stringContaining('"March"')));
    expect(computeKpis(facts.subjects.values(), { period: '2026', asOf: 'yesterday' })).toEqual(E.left('asOf yesterday is not an instant'));
  });

  // Commands refuse `__proto__` as an id (ids start with a letter or digit); these are the names of Object.prototype that they accept.
  it('takes ids as data: an order or endpoint called constructor is an item like any other', async () => {
    const d = testDepartment();
    await d.order.receive('constructor', at('03-02T09:00'), 'constructor');
    await d.order.confirm('constructor', at('03-02T10:00'));
    await d.order.schedule('constructor', at('03-02T11:00'), at('03-06T18:00'));
    const facts = await d.facts();
    const result = kpi(facts, 'timelyReceipt', '2026-03', at('04-01T00:00'));
    expect(figures(result)).toMatchObject({ numerator: 1, denominator: 1 });
    expect(Object.keys(result.breakdowns.endpoint ?? {})).toEqual(['constructor']);
    expect(right(explainKpiItem(facts, 'timelyReceipt', 'constructor', { asOf: at('04-01T00:00') }))).toMatchObject({ verdict: 'hit' });
    expect(right(explainKpiItem(facts, 'timelyReceipt', 'toString', { asOf: at('04-01T00:00') }))).toBeUndefined();
    const [subject] = facts.subjects.values();
    expect(decodeSubject(JSON.parse(JSON.stringify(subject)))).toEqual({ ok: true, facts: subject });
  });

  it('lists every item of a KPI with its verdict', async () => {
    const d = testDepartment();
    await d.order.receive('RO-1', at('03-02T09:00'));
    await d.order.receive('RO-2', at('03-02T09:00'));
    await d.order.cancel('RO-2', at('03-02T10:00'));
    const items = right(kpiItems((await d.facts()).subjects.values(), 'timelyReceipt', { period: '2026-03', asOf: at('03-02T12:00') }));
    expect(items.map((item) => [item.itemId, item.verdict])).toEqual([
      ['RO-1', 'pending'],
      ['RO-2', 'excluded'],
    ]);
  });
});
