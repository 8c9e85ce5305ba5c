import { readFileSync } from 'node:fs';

/**
 * The process's own resident memory (Linux's `RssAnon`) in MB, 0 where `/proc` is not there. Peak
 * RSS also counts the pages of files mapped into the process, such as a SQLite log read through its
 * memory map, which are the kernel's page cache rather than the process's own.
 */
export const anonymousRssMb = (): number => {
  try {
    const match = /RssAnon:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return match === null ? 0 : Number(match[1]) / 1024;
  } catch {
    return 0;
  }
};
