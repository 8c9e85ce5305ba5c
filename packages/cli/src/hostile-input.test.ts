import { existsSync, writeFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LINE_BYTES } from './commands/run.js';
import { runProgram } from './program.js';
import { scratchDirectory } from './testing.js';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

/** Runs the program in this process on `input` as stdin, with an environment of its own. */
const run = async (args: readonly string[], input: readonly (string | Buffer)[] = []) => {
  let stdout = '';
  let stderr = '';
  const sink = (write: (text: string) => void) => new Writable({ write: (chunk: Buffer, _encoding, done) => (write(chunk.toString('utf8')), done()) });
  const code = await runProgram(args, { stdin: Readable.from(input), stdout: sink((text) => (stdout += text)), stderr: sink((text) => (stderr += text)), interactive: false, env: {} });
  return { code, stdout, stderr };
};

/** A usage mistake: exit 2 and one line on stderr, `aftersales: …`, never a stack. */
const refusedWith = async (args: readonly string[]): Promise<string> => {
  const finished = await run(args);
  expect(finished.code, finished.stderr).toBe(2);
  expect(finished.stderr).toMatch(/^aftersales: [^\n]+\n$/);
  return finished.stderr.slice('aftersales: '.length, -1);
};

describe('options a careless or hostile caller gives', () => {
  it('refuses numbers JavaScript would misread, and integers past what a double holds exactly', async () => {
    expect(await refusedWith(['audit', 'trail', '--limit', '99999999999999999999', '--store', 'memory:'])).toBe('--limit "99999999999999999999" is not a whole number from 1 to 9007199254740991');
    expect(await refusedWith(['audit', 'trail', '--limit', '1e2', '--store', 'memory:'])).toContain('--limit "1e2" is not a whole number');
    expect(await refusedWith(['kpi', '--items', 'timelyReceipt', '--limit', '0x10', '--store', 'memory:'])).toBe('--limit "0x10" is not a whole number from 1 to 10000');
    expect(await refusedWith(['demo', '--seed', ' ', '--store', 'memory:'])).toBe('--seed " " is not a whole number from 0 to 4294967295');
    expect(await refusedWith(['audit', 'verify', '--anchor', `99999999999999999999:${'0'.repeat(64)}`, '--store', 'memory:'])).toContain('counts more events than any log holds');
    expect(await refusedWith(['audit', 'verify', '--anchor', '5:abc', '--store', 'memory:'])).toBe('--anchor: anchor "5:abc" is not <eventCount>:<64 hex digits>');
  });

  it('refuses a demo year the domain would refuse every command of', async () => {
    expect(await refusedWith(['demo', '--year', '2100', '--orders', '1', '--store', 'memory:'])).toBe('--year "2100" is not a whole number from 2000 to 2099');
  });

  it('refuses options that would be silently ignored or match nothing', async () => {
    expect(await refusedWith(['kpi', '--verdict', 'miss', '--store', 'memory:'])).toBe("--verdict pages through one KPI's items: pass it with --items <kpi>");
    expect(await refusedWith(['kpi', '--cursor', 'RO-1', '--store', 'memory:'])).toContain('--cursor pages through');
    expect(await refusedWith(['audit', 'trail', '--stream', '', '--store', 'memory:'])).toBe('--stream is empty: give a value, or leave the option out');
    expect(await refusedWith(['audit', 'trail', '--actor', '', '--store', 'memory:'])).toBe('--actor is empty: give a value, or leave the option out');
  });

  it('refuses settings that are not an array of versions, naming the file', async () => {
    const object = scratch.file('object.json');
    writeFileSync(object, '{}');
    expect(await refusedWith(['kpi', '--settings', object, '--store', 'memory:'])).toBe(`--settings ${object} is not a JSON array of settings versions (docs/kpis.md, "Configuration")`);
    const empty = scratch.file('empty.json');
    writeFileSync(empty, '[]');
    expect(await refusedWith(['kpi', '--settings', empty, '--store', 'memory:'])).toBe(`--settings ${empty} holds no settings version: give at least one`);
  });

  it('refuses settings whose versions take effect at the same instant, however each is written', async () => {
    const version = { receiptSlaHours: 24, executionFloor: 0.8, acknowledgementWindowDays: 7, jobDescriptionWindowDays: 7, turnoverLimits: { month: 0.03, quarter: 0.06, year: 0.15 }, timeZone: 'Asia/Shanghai' };
    const twins = scratch.file('twins.json');
    writeFileSync(twins, JSON.stringify([{ ...version, effectiveFrom: '2026-01-01T00:00:00+08:00' }, { ...version, receiptSlaHours: 12, effectiveFrom: '2025-12-31T16:00:00Z' }]));
    expect(await refusedWith(['kpi', '--settings', twins, '--store', 'memory:'])).toBe(
      `--settings ${twins}: versions 0 and 1 both take effect at 2025-12-31T16:00:00Z, so which one is in force would depend on their order: give each version its own effectiveFrom`,
    );
  });

  it('refuses a --read-models URL of no known kind before the demo writes anything', async () => {
    const path = scratch.file('demo.db');
    expect(await refusedWith(['demo', '--orders', '1', '--store', `sqlite:${path}`, '--read-models', 'pg://x'])).toBe('unknown --read-models "pg://x": use sqlite:<path>, postgres://user@host/db or memory:');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a device that never ends where a file belongs, without reading it into memory', async () => {
    expect(await refusedWith(['kpi', '--settings', '/dev/zero', '--store', 'memory:'])).toContain('--settings /dev/zero is larger than');
    expect(await refusedWith(['audit', 'seal', '--audit-key-file', '/dev/zero', '--store', 'memory:'])).toContain('--audit-key-file /dev/zero is larger than');
    expect(await refusedWith(['audit', 'verify', '--anchor', '/dev/zero', '--store', 'memory:'])).toContain('--anchor /dev/zero is larger than');
    expect(await refusedWith(['audit', 'verify', '--file', '/dev/zero'])).toBe('/dev/zero is not a regular file (a device or a pipe): an exported log is read from a file, more than once');
    expect(await refusedWith(['import', '/dev/zero', '--store', 'memory:'])).toContain('/dev/zero is not a regular file');
  });
});

describe('aftersales run on a line too long to be a command', () => {
  it('reports the line without holding it, and runs the next', async () => {
    const command = JSON.stringify({
      type: 'ReceiveRepairOrder',
      data: { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
      metadata: { commandId: 'receive-RO-1', actor: { id: 'EP-01', role: 'BusinessEndpoint' }, at: '2026-03-02T09:00:00+08:00' },
    });
    const block = Buffer.alloc(1024 * 1024, 0x61);
    const input = [...Array.from({ length: MAX_LINE_BYTES / block.length + 1 }, () => block), Buffer.from(`\n${command}\n`)];
    const finished = await run(['run', '-', '--no-seal', '--store', 'memory:'], input);
    expect(finished.code).toBe(1);
    const results = finished.stdout.trim().split('\n').map((line) => JSON.parse(line) as { line: number; ok: boolean; error?: { code: string; message: string } });
    expect(results).toMatchObject([
      { line: 1, ok: false, error: { code: 'MalformedLine', message: `line 1 is longer than ${MAX_LINE_BYTES} bytes` } },
      { line: 2, ok: true },
    ]);
  });
});
