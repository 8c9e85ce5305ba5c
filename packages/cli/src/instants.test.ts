import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { parseAsOf, parseInstant, parsePeriod } from './instants.js';

const refusal = (read: () => string): string => {
  try {
    return `accepted ${read()}`;
  } catch (thrown) {
    if (thrown instanceof CliError) return thrown.message;
    throw thrown;
  }
};

describe('the instants, dates and periods the command line takes', () => {
  it('reads a date as the end of that day in Asia/Shanghai, and an instant as given', () => {
    expect(parseAsOf('2026-06-30')).toBe('2026-06-30T23:59:59.999+08:00');
    expect(parseAsOf('2024-02-29')).toBe('2024-02-29T23:59:59.999+08:00');
    expect(parseInstant('--at', '2026-06-30T18:00:00+08:00')).toBe('2026-06-30T18:00:00+08:00');
    expect(parseInstant('--at', '2026-06-30T10:00Z')).toBe('2026-06-30T10:00Z');
  });

  it('refuses impossible dates instead of rolling them over, naming the flag and the problem', () => {
    expect(refusal(() => parseAsOf('2026-06-31'))).toBe('--as-of "2026-06-31": 2026-06 has no day 31');
    expect(refusal(() => parseInstant('--at', '2026-02-31'))).toBe('--at "2026-02-31": 2026-02 has no day 31');
    expect(refusal(() => parseInstant('--at', '2025-02-29T10:00:00Z'))).toBe('--at "2025-02-29T10:00:00Z": 2025-02 has no day 29');
    expect(refusal(() => parseInstant('--at', '2026-13-01'))).toBe('--at "2026-13-01": there is no month 13');
    expect(refusal(() => parseInstant('--at', '2026-03-01T24:00:00Z'))).toContain('no time of day 24:00');
    expect(refusal(() => parseInstant('--at', '2026-03-01T10:00:00+25:00'))).toContain('no offset 25:00');
    expect(refusal(() => parseInstant('--at', 'tomorrow'))).toContain('is not an instant with an offset');
  });

  it('keeps business time within 2000–2099', () => {
    expect(refusal(() => parseAsOf('1999-12-31'))).toBe('--as-of "1999-12-31": the year 1999 is outside 2000–2099');
    expect(refusal(() => parseInstant('--at', '9999-01-01T00:00:00Z'))).toContain('the year 9999 is outside 2000–2099');
  });

  it('reads a period as a year, a month or a quarter, and nothing else', () => {
    expect(['2026', '2026-03', '2026-Q4'].map(parsePeriod)).toEqual(['2026', '2026-03', '2026-Q4']);
    expect(refusal(() => parsePeriod('0000'))).toBe('--period "0000": the year 0 is outside 2000–2099');
    expect(refusal(() => parsePeriod('2026-00'))).toBe('--period "2026-00": there is no month 0');
    expect(refusal(() => parsePeriod('2026-Q5'))).toBe('--period "2026-Q5": there is no quarter 5');
    expect(refusal(() => parsePeriod('spring'))).toContain('is not a year');
  });
});
