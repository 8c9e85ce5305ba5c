import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { decodeKpiConfig, defaultKpiConfig, rulesResolver } from './config.js';
import type { Period } from './periods.js';
import { formatPeriod, isInPeriod, parsePeriod, periodEnd, periodStart } from './periods.js';

const period = (text: string): Period => {
  const parsed = parsePeriod(text);
  if (E.isLeft(parsed)) expect.fail(parsed.left);
  return (parsed as E.Right<Period>).right;
};

describe('periods', () => {
  it('parses and formats months, quarters and years', () => {
    expect(period('2026-03')).toEqual({ kind: 'month', year: 2026, month: 3 });
    expect(period('2026-Q1')).toEqual({ kind: 'quarter', year: 2026, quarter: 1 });
    expect(period('2026')).toEqual({ kind: 'year', year: 2026 });
    for (const text of ['2026-03', '2026-Q4', '2026']) expect(formatPeriod(period(text))).toBe(text);
    for (const text of ['2026-Q5', '2026-00', '26-03', '2026-3', '']) expect(E.isLeft(parsePeriod(text))).toBe(true);
  });

  it('turns the calendar at local midnight of the time zone', () => {
    const shanghai = 'Asia/Shanghai';
    expect(isInPeriod(Date.parse('2026-03-31T23:59:59.999+08:00'), period('2026-03'), shanghai)).toBe(true);
    expect(isInPeriod(Date.parse('2026-04-01T00:00:00+08:00'), period('2026-03'), shanghai)).toBe(false);
    expect(isInPeriod(Date.parse('2026-04-01T00:00:00+08:00'), period('2026-04'), shanghai)).toBe(true);
    expect(isInPeriod(Date.parse('2026-04-01T00:00:00+08:00'), period('2026-Q2'), shanghai)).toBe(true);
    expect(isInPeriod(Date.parse('2026-04-01T00:00:00+08:00'), period('2026-03'), 'UTC')).toBe(true);
    expect(isInPeriod(Date.parse('2027-01-01T00:00:00+08:00'), period('2026'), shanghai)).toBe(false);
    expect(isInPeriod(Date.parse('2026-12-31T23:00:00+08:00'), period('2026-Q4'), shanghai)).toBe(true);
  });

  it('gives the first instant of a period and of the next, also across a daylight-saving change', () => {
    expect(new Date(periodStart(period('2026-Q2'), 'Asia/Shanghai')).toISOString()).toBe('2026-03-31T16:00:00.000Z');
    expect(new Date(periodEnd(period('2026'), 'Asia/Shanghai')).toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(new Date(periodStart(period('2026-04'), 'Europe/Berlin')).toISOString()).toBe('2026-03-31T22:00:00.000Z');
    expect(new Date(periodStart(period('2026-03'), 'Europe/Berlin')).toISOString()).toBe('2026-02-28T23:00:00.000Z');
  });
});

describe('KPI configuration', () => {
  it('picks the version in force at an instant, the earliest before every version', () => {
    const config = [
      { effectiveFrom: '2026-07-01T00:00:00+08:00', receiptSlaHours: 12, executionFloor: 0.9, timeZone: 'Asia/Shanghai' },
      { effectiveFrom: '2026-01-01T00:00:00+08:00', receiptSlaHours: 24, executionFloor: 0.8, timeZone: 'Asia/Shanghai' },
    ];
    const rulesAt = rulesResolver(config);
    expect(rulesAt(Date.parse('2025-06-01T00:00:00Z')).receiptSlaHours).toBe(24);
    expect(rulesAt(Date.parse('2026-06-30T23:59:59+08:00')).receiptSlaHours).toBe(24);
    expect(rulesAt(Date.parse('2026-07-01T00:00:00+08:00')).receiptSlaHours).toBe(12);
    expect(rulesResolver(defaultKpiConfig)(0)).toEqual({
      receiptSlaHours: 24,
      executionFloor: 0.8,
      acknowledgementWindowDays: 7,
      jobDescriptionWindowDays: 7,
      turnoverLimits: { month: 0.03, quarter: 0.06, year: 0.15 },
      timeZone: 'Asia/Shanghai',
    });
    // A version written before the job-description window and the turnover limits existed gets their defaults.
    expect(rulesAt(Date.parse('2026-07-01T00:00:00+08:00'))).toMatchObject({ jobDescriptionWindowDays: 7, turnoverLimits: { month: 0.03, quarter: 0.06, year: 0.15 } });
  });

  it('takes back the settings it prints: the default version, in force since 1970, decodes as it is', () => {
    expect(decodeKpiConfig(JSON.parse(JSON.stringify(defaultKpiConfig)))).toEqual(E.right(defaultKpiConfig));
    expect(decodeKpiConfig([{ ...defaultKpiConfig[0], effectiveFrom: '1970-01-01' }])).toMatchObject(E.left(expect.stringContaining('0.effectiveFrom')));
  });

  it('refuses a configuration it cannot apply, naming the field', () => {
    expect(decodeKpiConfig([])).toMatchObject(E.left(expect.any(String)));
    const bad = decodeKpiConfig([{ effectiveFrom: '2026-01-01T00:00:00Z', receiptSlaHours: 24, executionFloor: 1.5, timeZone: 'Mars/Olympus' }]);
    expect(bad).toMatchObject(E.left(expect.stringContaining('0.executionFloor')));
    expect(bad).toMatchObject(E.left(expect.stringContaining('0.timeZone')));
    const limits = decodeKpiConfig([
      { effectiveFrom: '2026-01-01T00:00:00Z', receiptSlaHours: 24, executionFloor: 0.8, jobDescriptionWindowDays: 0, turnoverLimits: { month: 0.03, quarter: 1.2 }, timeZone: 'UTC' },
    ]);
    expect(limits).toMatchObject(E.left(expect.stringContaining('0.jobDescriptionWindowDays')));
    expect(limits).toMatchObject(E.left(expect.stringContaining('0.turnoverLimits.quarter')));
    expect(limits).toMatchObject(E.left(expect.stringContaining('0.turnoverLimits.year')));
    const custom = decodeKpiConfig([
      { effectiveFrom: '2026-01-01T00:00:00Z', receiptSlaHours: 24, executionFloor: 0.8, jobDescriptionWindowDays: 3, turnoverLimits: { month: 0.02, quarter: 0.05, year: 0.1 }, timeZone: 'UTC' },
    ]);
    expect(E.isRight(custom) && rulesResolver(custom.right)(0)).toMatchObject({ jobDescriptionWindowDays: 3, turnoverLimits: { month: 0.02, quarter: 0.05, year: 0.1 } });
  });
});
