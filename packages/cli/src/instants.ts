import { usageError } from './cli-error.js';

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const withOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `--as-of` (or another instant option, named by `flag` in the error): an instant with its
 * offset (`2026-06-30T18:00:00+08:00`), or a date, meaning the end of that day in the department's
 * time zone (Asia/Shanghai).
 */
export const parseAsOf = (text: string, flag = '--as-of'): string => {
  const date = dateOnly.exec(text);
  if (date !== null) {
    const iso = `${text}T23:59:59.999+08:00`;
    if (!Number.isNaN(Date.parse(iso))) return iso;
  }
  if (withOffset.test(text) && !Number.isNaN(Date.parse(text))) return text;
  throw usageError(`${flag} ${JSON.stringify(text)} is not an instant with an offset (2026-06-30T18:00:00+08:00) or a date (2026-06-30)`);
};

/** The calendar year of an instant in Asia/Shanghai. */
export const localYear = (instant: string | Date): number => new Date(new Date(instant).getTime() + 8 * 3_600_000).getUTCFullYear();
