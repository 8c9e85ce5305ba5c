import { writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { utf8Lines } from './commands/run.js';
import { readSmallFile, readSmallTextFile, wholeNumberOption } from './options.js';
import { scratchDirectory } from './testing.js';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

const refusal = (read: () => unknown): string => {
  try {
    return `accepted ${String(read())}`;
  } catch (thrown) {
    if (thrown instanceof CliError) return thrown.message;
    throw thrown;
  }
};

describe('whole-number options', () => {
  it('reads decimal digits within the bounds', () => {
    expect(wholeNumberOption('--limit', '1', 1)).toBe(1);
    expect(wholeNumberOption('--limit', '9007199254740991', 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(wholeNumberOption('--year', '2099', 2000, 2099)).toBe(2099);
  });

  it('refuses what JavaScript would read as some other number, and integers a double cannot hold', () => {
    for (const text of ['99999999999999999999', '9007199254740992', '1e2', '0x10', ' 5', '5 ', '', '2.5', '-3', '+3', 'Infinity', '５']) {
      expect(refusal(() => wholeNumberOption('--limit', text, 1))).toBe(`--limit ${JSON.stringify(text)} is not a whole number from 1 to 9007199254740991`);
    }
    expect(refusal(() => wholeNumberOption('--limit', '0', 1, 10_000))).toBe('--limit "0" is not a whole number from 1 to 10000');
    expect(refusal(() => wholeNumberOption('--year', '2100', 2000, 2099))).toBe('--year "2100" is not a whole number from 2000 to 2099');
  });
});

describe('small input files', () => {
  it('refuses a file past its limit, a device that never ends and a directory, without reading them whole', () => {
    const big = scratch.file('big.json');
    writeFileSync(big, 'x'.repeat(2048));
    expect(refusal(() => readSmallFile('--settings', big, 1024))).toBe(`--settings ${big} is larger than 1024 bytes: it is not the file this option takes`);
    expect(refusal(() => readSmallFile('--settings', '/dev/zero', 1024))).toBe('--settings /dev/zero is larger than 1024 bytes: it is not the file this option takes');
    expect(refusal(() => readSmallFile('--settings', scratch.path, 1024))).toBe(`--settings ${scratch.path} is a directory, not a file`);
    expect(refusal(() => readSmallFile('--settings', scratch.file('absent.json'), 1024))).toBe(`--settings ${scratch.file('absent.json')}: no such file`);
  });

  it('reads text without the byte-order mark an editor put first', () => {
    const marked = scratch.file('marked.json');
    writeFileSync(marked, '\uFEFF[1]');
    expect(readSmallTextFile('--settings', marked, 1024)).toBe('[1]');
  });
});

describe('the lines `run` reads', () => {
  const lines = async (chunks: readonly (string | Buffer)[], max: number) => {
    const read: unknown[] = [];
    for await (const line of utf8Lines(Readable.from(chunks), max)) read.push(line);
    return read;
  };

  it('reports a line past the bound, however it is split, and goes on with the next', async () => {
    expect(await lines(['ab', 'cdefgh', 'ijk\nok\n', 'x'.repeat(11)], 10)).toEqual([{ problem: 'longer than 10 bytes' }, 'ok', { problem: 'longer than 10 bytes' }]);
    expect(await lines(['0123456789\n', '01234567890\n'], 10)).toEqual(['0123456789', { problem: 'longer than 10 bytes' }]);
  });

  it('reads CRLF endings, a byte-order mark and a last line without its newline', async () => {
    expect(await lines(['\uFEFF{"a":1}\r\n{"b"', ':2}'], 100)).toEqual(['{"a":1}', '{"b":2}']);
    expect(await lines([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])], 100)).toEqual([{ problem: 'not valid UTF-8' }]);
  });
});
