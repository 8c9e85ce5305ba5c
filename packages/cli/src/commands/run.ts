import { createReadStream } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { CliError, ExitCode, mustBeFile } from '../cli-error.js';
import type { CliCommand, CliContext } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import { isStoreFailureCode, openDepartment } from '../department.js';
import { jsonProblem, lineWriter, toJson } from '../output.js';
import { sealAfterWriting } from '../sealing.js';

interface RunOptions {
  readonly store: string;
  readonly seal: boolean;
}

/** What makes a line a command at all; whether its fields are right is the domain's to say. */
const commandShape = (value: unknown): string | undefined => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a command must be a JSON object with type, data and metadata';
  const { type, data, metadata } = value as Record<string, unknown>;
  if (typeof type !== 'string') return 'a command needs a string "type"';
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'a command needs an object "data"';
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return 'a command needs an object "metadata"';
  return undefined;
};

const commandIdOf = (value: unknown): string | null => {
  if (typeof value !== 'object' || value === null) return null;
  const metadata = (value as { metadata?: { commandId?: unknown } }).metadata;
  return typeof metadata?.commandId === 'string' ? metadata.commandId : null;
};

export const openInput = async (file: string, context: CliContext): Promise<NodeJS.ReadableStream> => {
  if (file === '-') return context.stdin;
  await mustBeFile(file);
  return createReadStream(file);
};

/**
 * The longest line read as a command. The largest command the domain accepts is far smaller (every
 * field has its bound); a longer line is reported without being held, so that an endless line
 * (`run /dev/zero`, a runaway producer) cannot fill the memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A line that could not be read as text, and why, in the library's words. */
interface UnreadableLine {
  readonly problem: string;
}

/**
 * The input's lines, each decoded strictly as UTF-8: a line that is not valid UTF-8, or longer than
 * `MAX_LINE_BYTES`, comes as a problem to report, rather than repaired into a different command with
 * U+FFFD in it or held whole. A byte-order mark at the start of a line is not part of it.
 */
export async function* utf8Lines(input: AsyncIterable<unknown>, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<string | UnreadableLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (bytes: Buffer): string | UnreadableLine => {
    try {
      return decoder.decode(bytes).replace(/\r$/, '');
    } catch {
      return { problem: 'not valid UTF-8' };
    }
  };
  const tooLong: UnreadableLine = { problem: `longer than ${maxLineBytes} bytes` };
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overlong = false;
  const take = (bytes: Buffer) => {
    if (overlong || bytes.length === 0) return;
    pendingBytes += bytes.length;
    if (pendingBytes > maxLineBytes) {
      overlong = true;
      pending = [];
    } else {
      pending.push(bytes);
    }
  };
  const line = (): string | UnreadableLine => {
    const read = overlong ? tooLong : decode(Buffer.concat(pending));
    pending = [];
    pendingBytes = 0;
    overlong = false;
    return read;
  };
  for await (const chunk of input) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    for (let newline = bytes.indexOf(0x0a); newline >= 0; newline = bytes.indexOf(0x0a)) {
      take(bytes.subarray(0, newline));
      yield line();
      bytes = bytes.subarray(newline + 1);
    }
    take(bytes);
  }
  if (pendingBytes > 0) yield line();
}

export const run: CliCommand = {
  register(program, context) {
    program
      .command('run')
      .argument('<file>', 'a JSON Lines file of commands, or - for stdin')
      .option('--no-seal', 'do not seal the log when done (by default an integrity checkpoint covers what was written)')
      .addOption(storeOption(context))
      .action(
        action(async (file: string, options: RunOptions) => {
          const input = await openInput(file, context);
          return withStore(context, options.store, {}, async ({ store, raw }) => {
            const department = openDepartment(store);
            // Each result is written as soon as its command is committed, so a caller feeding a pipe
            // can wait for the answer to one line before sending the next.
            const out = lineWriter(context.stdout, 0);
            let lineNumber = 0;
            let malformed = 0;
            let accepted = 0;
            let refused = 0;
            try {
              for await (const text of utf8Lines(input)) {
                lineNumber += 1;
                if (typeof text !== 'string') {
                  malformed += 1;
                  const message = `line ${lineNumber} is ${text.problem}`;
                  await department.recordMalformed(`line ${lineNumber}`, text.problem);
                  await out.line(toJson({ line: lineNumber, commandId: null, ok: false, error: { code: 'MalformedLine', message } }));
                  continue;
                }
                if (text.trim().length === 0) continue;
                let parsed: unknown;
                try {
                  parsed = JSON.parse(text);
                } catch (thrown) {
                  malformed += 1;
                  const problem = jsonProblem(thrown);
                  const message = `line ${lineNumber} is ${problem}`;
                  await department.recordMalformed(`line ${lineNumber}`, problem);
                  await out.line(toJson({ line: lineNumber, commandId: null, ok: false, error: { code: 'MalformedLine', message } }));
                  continue;
                }
                const notACommand = commandShape(parsed);
                if (notACommand !== undefined) {
                  malformed += 1;
                  const message = `line ${lineNumber} is not a command: ${notACommand}`;
                  await department.recordMalformed(`line ${lineNumber}`, `not a command: ${notACommand}`, parsed);
                  await out.line(toJson({ line: lineNumber, commandId: commandIdOf(parsed), ok: false, error: { code: 'MalformedLine', message } }));
                  continue;
                }
                const result = await department.handle(parsed);
                const commandId = commandIdOf(parsed);
                if (E.isRight(result)) {
                  accepted += 1;
                  const events = result.right.events.map(({ streamId, revision, type }) => ({ streamId, revision, type }));
                  await out.line(toJson({ line: lineNumber, commandId, ok: true, events, ...(result.right.duplicate ? { duplicate: true } : {}) }));
                  continue;
                }
                refused += 1;
                const { code, message } = result.left;
                await out.line(toJson({ line: lineNumber, commandId, ok: false, error: { code, message } }));
                if (isStoreFailureCode(code)) {
                  await out.flush();
                  throw new CliError(`store error at line ${lineNumber} (${code}): ${message}; the lines after it were not run`);
                }
              }
            } finally {
              await out.flush();
            }
            context.stderr.write(
              `${accepted + refused + malformed} command line(s): ${accepted} accepted, ${refused} refused by the domain, ${malformed} malformed\n`,
            );
            if (options.seal) context.stderr.write(`${await sealAfterWriting(raw, 'run')}\n`);
            return malformed > 0 ? ExitCode.problems : ExitCode.ok;
          });
        }),
      );
  },
};
