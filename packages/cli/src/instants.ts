import type { KpiConfig } from '@aftersales/read-models';
import { defaultKpiRules, localDateOf, startOfLocalDay } from '@aftersales/read-models';
import { usageError } from './cli-error.js';

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const withOffset = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;
const periodForm = /^(\d{4})(?:-(?:(\d{2})|Q(\d)))?$/;

/** The years the department's business time may lie in (DOMAIN.md). */
export const FIRST_YEAR = 2000;
export const LAST_YEAR = 2099;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** What is wrong with a calendar date, if anything: months and days are never rolled over. */
const calendarProblem = (year: number, month: number, day: number): string | undefined => {
  if (year < FIRST_YEAR || year > LAST_YEAR) return `the year ${year} is outside ${FIRST_YEAR}–${LAST_YEAR}`;
  if (month < 1 || month > 12) return `there is no month ${month}`;
  if (day < 1 || day > daysIn(year, month)) return `${year}-${String(month).padStart(2, '0')} has no day ${day}`;
  return undefined;
};

const instantProblem = (text: string): string | undefined => {
  const date = dateOnly.exec(text);
  if (date !== null) return calendarProblem(Number(date[1]), Number(date[2]), Number(date[3]));
  const instant = withOffset.exec(text);
  if (instant === null) return 'it is not an instant with an offset (2026-06-30T18:00:00+08:00) or a date (2026-06-30)';
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = instant;
  const problem = calendarProblem(Number(year), Number(month), Number(day));
  if (problem !== undefined) return problem;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) return `there is no time of day ${hour}:${minute}${second === undefined ? '' : `:${second}`}`;
  if (offsetHours !== undefined && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) return `there is no offset ${offsetHours}:${offsetMinutes}`;
  return undefined;
};

/** The department's calendar: the time zone of the latest version of the KPI settings, or of the default rules. */
export const kpiTimeZone = (settings?: KpiConfig): string =>
  settings === undefined ? defaultKpiRules.timeZone : [...settings].sort((a, b) => Date.parse(a.effectiveFrom) - Date.parse(b.effectiveFrom)).at(-1)!.timeZone;

const offsetText = (minutes: number): string => {
  const size = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
};

/** The last millisecond of a calendar date in a time zone, written with the offset in force then. */
const endOfLocalDay = (date: string, timeZone: string): string => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(year, month - 1, day + 1));
  const end = startOfLocalDay({ year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() }, timeZone) - 1;
  return `${date}T23:59:59.999${offsetText(Math.round((Date.UTC(year, month - 1, day, 23, 59, 59, 999) - end) / 60_000))}`;
};

/**
 * Reads an instant the command line takes (`--as-of`, `--at`, `--known-at`): an instant with its
 * offset (`2026-06-30T18:00:00+08:00`), or a date, meaning the end of that day in the department's
 * time zone (the KPI settings', Asia/Shanghai by default). Impossible dates (2026-02-31) are refused
 * rather than rolled over, and so are years outside 2000–2099.
 */
export const parseInstant = (flag: string, text: string, timeZone: string = defaultKpiRules.timeZone): string => {
  const problem = instantProblem(text);
  if (problem !== undefined) throw usageError(`${flag} ${JSON.stringify(text)}: ${problem}`);
  return dateOnly.test(text) ? endOfLocalDay(text, timeZone) : text;
};

export const parseAsOf = (text: string, timeZone?: string): string => parseInstant('--as-of', text, timeZone);

/** Reads `--period`: a year (2026), a month (2026-03) or a quarter (2026-Q1), in 2000–2099. */
export const parsePeriod = (text: string): string => {
  const period = periodForm.exec(text);
  const fail = (problem: string) => usageError(`--period ${JSON.stringify(text)}: ${problem}`);
  if (period === null) throw fail('it is not a year (2026), a month (2026-03) or a quarter (2026-Q1)');
  const [, year, month, quarter] = period;
  const problem = calendarProblem(Number(year), Number(month ?? 1), 1);
  if (problem !== undefined) throw fail(problem);
  if (quarter !== undefined && (Number(quarter) < 1 || Number(quarter) > 4)) throw fail(`there is no quarter ${quarter}`);
  return text;
};

/** The calendar year of an instant in a time zone (the default KPI rules' when not given). */
export const localYear = (instant: string | Date, timeZone: string = defaultKpiRules.timeZone): number => localDateOf(new Date(instant).getTime(), timeZone).year;
