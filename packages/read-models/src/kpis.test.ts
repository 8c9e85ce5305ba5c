import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeSubject } from './facts/schema.js';
import { kpiIds } from './kpi-definitions.js';
import { computeKpis, kpiItems } from './kpis.js';
import { at, explainKpiItem, figures, kpi, right, testDepartment } from './test-department.js';

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
