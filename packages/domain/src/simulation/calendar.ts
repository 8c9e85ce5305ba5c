/** Business time of the simulated department: minutes and hours in milliseconds, wall clock in Asia/Shanghai. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const OFFSET = 8 * HOUR;

/** The instant of a local date and time in the department's time zone (UTC+08:00, no daylight saving). */
export const localTime = (year: number, month: number, day: number, hour = 0, minute = 0): number =>
  Date.UTC(year, month - 1, day, hour, minute) - OFFSET;

/** Local midnight of the day an instant falls on. */
export const startOfLocalDay = (instant: number): number => Math.floor((instant + OFFSET) / DAY) * DAY - OFFSET;

/** ISO-8601 with the department's offset and whole seconds, e.g. `2026-03-02T09:00:00+08:00`. */
export const isoLocal = (instant: number): string => `${new Date(instant + OFFSET).toISOString().slice(0, 19)}+08:00`;
