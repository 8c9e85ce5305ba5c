import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { usageError } from './cli-error.js';

/**
 * Reads a whole-number option (`--limit`, `--orders`, `--seed`, `--year`): decimal digits only, so
 * that `1e3`, `0x10`, ` 5` or an empty value are refused rather than read as a number JavaScript
 * makes of them, and within `min`–`max`, which never exceeds the integers a double holds exactly.
 */
export const wholeNumberOption = (flag: string, text: string, min: number, max: number = Number.MAX_SAFE_INTEGER): number => {
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > Math.min(max, Number.MAX_SAFE_INTEGER)) {
    throw usageError(`${flag} ${JSON.stringify(text)} is not a whole number from ${min} to ${Math.min(max, Number.MAX_SAFE_INTEGER)}`);
  }
  return value;
};

/** A text option that names something (a stream, an actor): an empty one would silently match nothing. */
export const nonEmptyOption = (flag: string, text: string | undefined): string | undefined => {
  if (text !== undefined && text.length === 0) throw usageError(`${flag} is empty: give a value, or leave the option out`);
  return text;
};

/**
 * Reads a small input file whole (settings, an audit key, anchors), refusing it past `limit` bytes:
 * `/dev/zero`, a pipe that never ends or a log given by mistake is a usage error, not a process that
 * fills the memory. Pipes (`--settings <(…)`) are read like files.
 */
export const readSmallFile = (flag: string, path: string, limit: number): Buffer => {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (thrown) {
    throw usageError(`${flag} ${path}: ${(thrown as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  try {
    if (fstatSync(descriptor).isDirectory()) throw usageError(`${flag} ${path} is a directory, not a file`);
    const chunks: Buffer[] = [];
    let size = 0;
    for (;;) {
      const chunk = Buffer.alloc(64 * 1024);
      let read: number;
      try {
        read = readSync(descriptor, chunk, 0, chunk.length, null);
      } catch {
        throw usageError(`${flag} ${path}: cannot be read`);
      }
      if (read === 0) return Buffer.concat(chunks, size);
      size += read;
      if (size > limit) throw usageError(`${flag} ${path} is larger than ${limit} bytes: it is not the file this option takes`);
      chunks.push(chunk.subarray(0, read));
    }
  } finally {
    closeSync(descriptor);
  }
};

/** The text of a small UTF-8 input file, without the byte-order mark some editors put first. */
export const readSmallTextFile = (flag: string, path: string, limit: number): string => readSmallFile(flag, path, limit).toString('utf8').replace(/^\uFEFF/, '');
