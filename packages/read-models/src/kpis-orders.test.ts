import { beforeAll, describe, expect, it } from 'vitest';
import type { KpiConfig } from './config.js';
import { defaultKpiRules } from './config.js';
import type { KpiFacts } from './kpi-facts.js';
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
