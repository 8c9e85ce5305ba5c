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

const DUTY_STARTS = 9 * HOUR;
const DUTY_ENDS = 19 * HOUR;
/** Everything that would happen overnight is squeezed into the first half hour of the next morning. */
const MORNING_RUSH = 30 * MINUTE;

/**
 * Moves an instant that falls outside working hours (09:00–19:00 local) into the first half hour of
 * the next working morning, keeping the order of the night's instants among themselves. A night
 * instant can land after an early-morning one, so whoever needs order keeps it (see `emitterFor`).
 */
export const onDuty = (instant: number): number => {
  const day = startOfLocalDay(instant);
  const sinceMidnight = instant - day;
  if (sinceMidnight >= DUTY_STARTS && sinceMidnight < DUTY_ENDS) return instant;
  const nightStarted = sinceMidnight >= DUTY_ENDS ? day + DUTY_ENDS : day - DAY + DUTY_ENDS;
  const nightLength = DAY - (DUTY_ENDS - DUTY_STARTS);
  const intoNight = instant - nightStarted;
  return nightStarted + nightLength + Math.floor((intoNight / nightLength) * MORNING_RUSH);
};
