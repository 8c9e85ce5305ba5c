import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Writes lines to a stream, buffering small writes and waiting for the stream to drain, so that
 * exporting a million events neither floods memory nor drops output when piped into a slow reader.
 */
export const lineWriter = (stream: Writable, flushAt = 64 * 1024) => {
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer.length === 0) return;
    const chunk = buffer;
    buffer = '';
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  return {
    line: async (text: string): Promise<void> => {
      buffer += `${text}\n`;
      if (buffer.length >= flushAt) await flush();
    },
    flush,
  };
};

/**
 * Characters JSON may hold raw that a terminal acts on instead of showing: DEL and C1 controls,
 * Unicode format characters (zero-width, bidi overrides …), line and paragraph separators.
 */
const ACTING_IN_JSON = /[\u007F-\u009F\p{Cf}\u2028\u2029]/gu;

const jsonEscape = (character: string): string =>
  [...character].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/**
 * JSON with bigints as decimal strings (global positions do not fit a JSON number on every store),
 * and every character a terminal would act on written as a `\uXXXX` escape: the same value once
 * parsed, safe to print. `indent` pretty-prints, as `JSON.stringify` does.
 */
export const toJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), indent).replace(ACTING_IN_JSON, jsonEscape);

/**
 * What went wrong parsing a line as JSON, without the snippet of the line that the parser quotes:
 * the line may hold personal data or bytes that are not text.
 */
export const jsonProblem = (thrown: unknown): string => {
  const message = thrown instanceof Error ? thrown.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (/end of (JSON )?input/i.test(message)) return 'not valid JSON (it ends too early)';
  return position === undefined ? 'not valid JSON' : `not valid JSON (at character ${Number(position) + 1})`;
};
