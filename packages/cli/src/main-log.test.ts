import { readFileSync, writeFileSync } from 'node:fs';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import { kpiIds } from '@aftersales/read-models';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { confirm, receive, results } from './main.fixture.js';
import { aftersales, scratchDirectory } from './testing.js';

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

describe('aftersales export and import', () => {
  it('round-trips a demo year: the imported store exports byte for byte the same log', async () => {
    const original = `sqlite:${scratch.file('original.db')}`;
    const copy = `sqlite:${scratch.file('copy.db')}`;
    expect((await aftersales(['demo', '--orders', '25', '--store', original])).code).toBe(0);
    const exported = await aftersales(['export', '--store', original]);
    expect(exported.code).toBe(0);
    const log = scratch.file('log.jsonl');
    writeFileSync(log, exported.stdout);
    const first = JSON.parse(exported.stdout.split('\n')[0]!) as { globalPosition: unknown; metadata: Record<string, unknown> };
    expect(first.globalPosition).toBe('1');
    expect(Object.keys(first.metadata)).toEqual(expect.arrayContaining(['commandId', 'actor', 'occurredAt', 'recordedAt', 'prevHash', 'hash']));

    const imported = await aftersales(['import', log, '--store', copy]);
    expect(imported.code).toBe(0);
    expect((await aftersales(['export', '--store', copy])).stdout).toBe(exported.stdout);

    const again = await aftersales(['import', log, '--store', copy]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds events/);
  });

  it('refuses a tampered log, naming the stream and revision, and imports nothing', async () => {
    const original = `sqlite:${scratch.file('original.db')}`;
    await aftersales(['run', '-', '--store', original], {
      input: [receive('RO-1', '2026-03-02T09:00:00+08:00'), confirm('RO-1', '2026-03-02T10:00:00+08:00')].join('\n'),
    });
    const log = scratch.file('log.jsonl');
    writeFileSync(log, (await aftersales(['export', '--store', original])).stdout.replace('wool coat', 'silk coat'));
    const target = scratch.file('target.db');
    const refused = await aftersales(['import', log, '--store', `sqlite:${target}`]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/line 1: RepairOrder-RO-1@0 \(RepairOrderReceived\) does not match its hash/);
    expect((await aftersales(['export', '--store', `sqlite:${target}`])).stdout).toBe('');
  });
});

describe('aftersales demo', () => {
  it('simulates a year, shows the dashboard and the next commands, and replaces only its own earlier store', async () => {
    const store = `sqlite:${scratch.file('demo.db')}`;
    const finished = await aftersales(['demo', '--orders', '30', '--seed', '7', '--store', store], { env: { npm_package_name: undefined } });
    expect(finished.code).toBe(0);
    // Eighteen rows, each with its target in its direction.
    for (const kpi of kpiIds) expect(finished.stdout).toMatch(new RegExp(`│ ${kpi} +│[^│]+│ +[≥≤] \\d+% │`));
    expect(finished.stdout).toMatch(/│ staffTurnover +│[^│]+│ +≤ 15% │/);
    expect(finished.stdout).toMatch(/5 commands were refused on purpose/);
    // The year has items of every KPI; items still open at the demo's as-of show as pending.
    for (const kpi of kpiIds) expect(finished.stdout).not.toMatch(new RegExp(`│ ${kpi} +│[^│]+│[^│]+│ +— │`));
    expect(finished.stdout).toMatch(/│ improvementCompliance .*│ +\d+ │ +[1-9]\d* │\n/);
    expect(finished.stdout).toContain('\n  aftersales kpi --period 2026-Q3');

    const again = await aftersales(['demo', '--orders', '30', '--seed', '7', '--store', store], { env: { npm_package_name: 'aftersales-monorepo' } });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('\n  npx pnpm@10 -s aftersales kpi --period 2026-Q3');
    expect(again.stderr).toContain('Replacing the previous demo');

    const other = `sqlite:${scratch.file('other.db')}`;
    await aftersales(['run', '-', '--store', other], { input: receive('RO-1', '2026-03-02T09:00:00+08:00') });
    const refused = await aftersales(['demo', '--orders', '30', '--store', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/already holds events the demo did not write/);
  });
});

describe('errors', () => {
  it.each([
    [['kpi', '--period', 'spring', '--store', 'memory:'], /period "spring"/],
    [['kpi', '--store', 'postgres://localhost'], /unknown store/],
    [['run', 'no-such-file.jsonl', '--store', 'memory:'], /no such file/],
    [['frobnicate'], /unknown command/],
    [['kpi', '--no-such-option'], /unknown option/],
    [['run'], /missing required argument 'file'/],
    [['run', '.', '--store', 'memory:'], /\. is a directory, not a file/],
    [['import', '.', '--store', 'memory:'], /\. is a directory, not a file/],
    [['audit', 'seal', '--at', 'nonsense', '--store', 'memory:'], /--at "nonsense": it is not an instant/],
    [['gdpr', 'erase', '13800000000', '--at', '2026', '--store', 'memory:'], /--at "2026": it is not an instant/],
  ])('a usage mistake (%j) is one line on stderr, `aftersales: …`, and exit 2', async (args, message) => {
    const finished = await aftersales(args);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(message);
    expect(finished.stderr).toMatch(/^aftersales: [^\n]*\n$/);
  });

  it('import of a binary file names its lines without echoing their bytes', async () => {
    const path = scratch.file('binary.jsonl');
    writeFileSync(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x1b, 0x5b, 0x32, 0x4a, 0x0a, 0xff, 0xfe, 0x00, 0x9b, 0x0a]));
    const finished = await aftersales(['import', path, '--store', `sqlite:${scratch.file('binary.db')}`]);
    expect(finished.code).toBe(1);
    expect(finished.stderr).toContain('line 1: not valid JSON');
    expect(finished.stderr).not.toMatch(/ELF|\uFFFD|[^\P{Cc}\n]/u);
  });

  it('a file that is not a store is a store error: exit 2, one line, no stack trace', async () => {
    const path = scratch.file('not-a-store.db');
    writeFileSync(path, 'this is not a database, just some text that happens to be long enough to look like a file');
    const finished = await aftersales(['kpi', '--store', `sqlite:${path}`]);
    expect(finished.code).toBe(2);
    expect(finished.stderr.trim().split('\n')).toHaveLength(1);
    expect(finished.stderr).toMatch(/^aftersales: store error/);
    expect(readFileSync(path, 'utf8')).toContain('not a database');
  });

  it('reading from a store that does not exist says so instead of creating it', async () => {
    const finished = await aftersales(['kpi', '--store', `sqlite:${scratch.file('missing.db')}`]);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toMatch(/no store at/);
  });
});

describe('aftersales on EventStoreDB', () => {
  it('runs commands and exports the log through an esdb:// connection string', async () => {
    const server = await EventStoreDBTestServer.start();
    try {
      const store = server.connectionString;
      const ran = await aftersales(['run', '-', '--store', store], {
        input: [receive('RO-1', '2026-03-02T09:00:00+08:00'), confirm('RO-1', '2026-03-02T10:00:00+08:00')].join('\n'),
      });
      expect(ran.code).toBe(0);
      expect(results(ran.stdout).map((result) => result.ok)).toEqual([true, true]);
      const exported = await aftersales(['export', '--store', store]);
      // The run sealed what it wrote: its checkpoint ends the log.
      expect(exported.stdout.trim().split('\n').map((line) => (JSON.parse(line) as { type: string }).type)).toEqual([
        'RepairOrderReceived',
        'ReceiptConfirmed',
        'IntegrityCheckpointed',
      ]);
    } finally {
      await server.close();
    }
  });
});

describe('docs/cli.md', () => {
  it('shows a run whose commands and results are what the command does', async () => {
    const docs = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const commands = /```jsonl\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(commands).toBeDefined();
    const finished = await aftersales(['run', '-', '--store', 'memory:'], { input: commands ?? '' });
    expect(finished.code).toBe(0);
    const output = finished.stdout.trim().split('\n');
    for (const documented of [output[0], output[3]]) expect(docs).toContain(documented);
    const [summary, seal] = finished.stderr.trim().split('\n');
    expect(docs).toContain(summary);
    // The anchor's digest covers the time each event was recorded, so only its form is documented.
    expect(seal).toMatch(/^sealed the log: anchor 6:[0-9a-f]{64}$/);
    expect(docs).toContain('sealed the log: anchor 6:');
  });
});
