import * as E from 'fp-ts/lib/Either.js';

/** A reporting period: a month (`2026-03`), a quarter (`2026-Q1`) or a year (`2026`). */
export type Period =
  | { readonly kind: 'month'; readonly year: number; readonly month: number }
  | { readonly kind: 'quarter'; readonly year: number; readonly quarter: number }
  | { readonly kind: 'year'; readonly year: number };

const periodPattern = /^(\d{4})(?:-(?:(\d{2})|Q([1-4])))?$/;

export const parsePeriod = (text: string): E.Either<string, Period> => {
  const match = periodPattern.exec(text);
  if (match === null) return E.left(`period ${JSON.stringify(text)} is not a month (2026-03), a quarter (2026-Q1) or a year (2026)`);
  const year = Number(match[1]);
  if (match[2] !== undefined) {
    const month = Number(match[2]);
    if (month < 1 || month > 12) return E.left(`period ${JSON.stringify(text)} has no month ${month}`);
    return E.right({ kind: 'month', year, month });
  }
  if (match[3] !== undefined) return E.right({ kind: 'quarter', year, quarter: Number(match[3]) });
  return E.right({ kind: 'year', year });
};

export const formatPeriod = (period: Period): string => {
  switch (period.kind) {
    case 'month':
      return `${period.year}-${String(period.month).padStart(2, '0')}`;
    case 'quarter':
      return `${period.year}-Q${period.quarter}`;
    case 'year':
      return String(period.year);
  }
};

/** A calendar date as a wall clock in some time zone shows it. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Throws a RangeError for a zone the runtime does not know; configuration is checked with it. */
export const isKnownTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
};

const wallClock = (epochMs: number, timeZone: string) => {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(epochMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts['year'] ?? 0,
    month: parts['month'] ?? 0,
    day: parts['day'] ?? 0,
    hour: parts['hour'] ?? 0,
    minute: parts['minute'] ?? 0,
    second: parts['second'] ?? 0,
  };
};

const DAY = 24 * 60 * 60 * 1000;
const days = new Map<string, Map<number, number | null>>();

const offsetFromIntl = (epochMs: number, timeZone: string): number => {
  const clock = wallClock(epochMs, timeZone);
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - Math.floor(epochMs / 1000) * 1000;
};

/**
 * The zone's offset from UTC at an instant. KPI queries place every item in a period, and asking
 * Intl each time would dominate a query, so the offset is cached per UTC day when it is the same at
 * both ends of the day (a day with a clock change asks Intl for each instant).
 */
const offsetAt = (epochMs: number, timeZone: string): number => {
  let byZone = days.get(timeZone);
  if (byZone === undefined) {
    byZone = new Map();
    days.set(timeZone, byZone);
  }
  const day = Math.floor(epochMs / DAY);
  let offset = byZone.get(day);
  if (offset === undefined) {
    const first = offsetFromIntl(day * DAY, timeZone);
    offset = first === offsetFromIntl(day * DAY + DAY - 1000, timeZone) ? first : null;
    byZone.set(day, offset);
  }
  return offset ?? offsetFromIntl(epochMs, timeZone);
};

/** The calendar date of an instant in a time zone. */
export const localDateOf = (epochMs: number, timeZone: string): LocalDate => {
  const local = new Date(epochMs + offsetAt(epochMs, timeZone));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
};

/** Whether an instant falls in a period, reading the calendar in the given time zone. */
export const isInPeriod = (epochMs: number, period: Period, timeZone: string): boolean => {
  const { year, month } = localDateOf(epochMs, timeZone);
  if (year !== period.year) return false;
  switch (period.kind) {
    case 'month':
      return month === period.month;
    case 'quarter':
      return Math.ceil(month / 3) === period.quarter;
    case 'year':
      return true;
  }
};

/** The instant at which a local midnight happens in a time zone (the earlier one if a clock change repeats it). */
export const startOfLocalDay = (date: LocalDate, timeZone: string): number => {
  const asUtc = Date.UTC(date.year, date.month - 1, date.day);
  const offsetAt = (epochMs: number) => {
    const clock = wallClock(epochMs, timeZone);
    return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second) - epochMs;
  };
  // Two rounds settle on the offset in force at that local time, across a change of offset.
  let guess = asUtc - offsetAt(asUtc);
  guess = asUtc - offsetAt(guess);
  return guess;
};

/** The first instant of a period in a time zone. */
export const periodStart = (period: Period, timeZone: string): number => {
  const month = period.kind === 'month' ? period.month : period.kind === 'quarter' ? period.quarter * 3 - 2 : 1;
  return startOfLocalDay({ year: period.year, month, day: 1 }, timeZone);
};

/** The first instant after a period in a time zone. */
export const periodEnd = (period: Period, timeZone: string): number => {
  const lastMonth = period.kind === 'month' ? period.month : period.kind === 'quarter' ? period.quarter * 3 : 12;
  return lastMonth === 12
    ? startOfLocalDay({ year: period.year + 1, month: 1, day: 1 }, timeZone)
    : startOfLocalDay({ year: period.year, month: lastMonth + 1, day: 1 }, timeZone);
};
