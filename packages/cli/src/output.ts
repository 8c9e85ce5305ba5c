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

/** JSON safe to print, and the problem of a line that is not JSON: the same rules as the exported log's. */
export { jsonProblem, printableJson as toJson } from '@aftersales/core';
