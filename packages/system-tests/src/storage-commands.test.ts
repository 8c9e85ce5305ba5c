import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INTEGRITY_STREAM } from '@aftersales/core';
import { aftersales, derivedKeyPath, scratchDirectory } from '@aftersales/cli/testing';
import { eventCount, receiveOrderLine, printedResults, readAllEvents, startAftersales, storeOfCustomers, withSqlite } from './support.js';

/** Each test starts several processes from source; on a busy machine each takes seconds. */
const MANY_PROCESSES = { timeout: 300_000 };

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the calendar is checked, not rolled over', () => {
  it('refuses impossible dates and years outside 2000–2099 in every instant, date and period, and writes nothing', MANY_PROCESSES, async () => {
    const { path, url } = await storeOfCustomers(scratch, 'store.db', 1);
    const before = await eventCount(path);
    for (const args of [
      ['kpi', '--as-of', '2026-06-31'],
      ['audit', 'seal', '--at', '2026-02-31'],
      ['gdpr', 'erase', '13800000000', '--at', '2026-04-31T10:00:00+08:00'],
      ['report', '--as-of', '2026-06-30', '--period', '0000', '--out', scratch.file('report')],
      ['report', '--as-of', '1999-12-31', '--out', scratch.file('report')],
    ]) {
      const refused = await aftersales([...args, '--store', url]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/^aftersales: --(as-of|at|period) "[^"]*": (.* has no day|the year)/);
    }
    expect(await eventCount(path)).toBe(before);
    expect(existsSync(scratch.file('report'))).toBe(false);
  });
});

describe('nothing half-written for the next command to trip on', () => {
  it('lets a killed `demo` be redone, and refuses a demo store that another command wrote to since', MANY_PROCESSES, async () => {
    const path = scratch.file('demo.db');
    const running = startAftersales(['demo', '--orders', '2000', '--store', `sqlite:${path}`]);
    // Killed once the demo has written part of its year.
    for (let seen = 0; seen < 200; ) {
      await sleep(50);
      seen = existsSync(path) ? await eventCount(path) : 0;
    }
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    const redone = await aftersales(['demo', '--orders', '5', '--store', `sqlite:${path}`]);
    expect(redone.code, redone.stderr).toBe(0);
    expect(redone.stderr).toContain('Replacing the previous demo');

    const ran = await aftersales(['run', '-', '--store', `sqlite:${path}`], { input: receiveOrderLine('RO-MINE', '13700000000') });
    expect(ran.code, ran.stderr).toBe(0);
    const refused = await aftersales(['demo', '--orders', '5', '--store', `sqlite:${path}`]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/already holds events the demo did not write.*pass another --store/);
    expect((await withSqlite(path, readAllEvents)).some((event) => event.streamId === 'RepairOrder-RO-MINE')).toBe(true);
  });

  it('writes a report\'s three files for one period, or leaves the previous three as they were', MANY_PROCESSES, async () => {
    const { url } = await storeOfCustomers(scratch, 'store.db', 1);
    const out = scratch.file('report');
    const report = (period: string) => aftersales(['report', '--as-of', '2026-12-31', '--period', period, '--out', out, '--store', url]);
    expect((await report('2026-03')).code).toBe(0);
    const first = Object.fromEntries(['report.json', 'report.html'].map((name) => [name, readFileSync(join(out, name), 'utf8')]));
    // Something other than a file in the way of one of them: nothing of the second report is written.
    rmSync(join(out, 'report.md'));
    mkdirSync(join(out, 'report.md'));
    const blocked = await report('2026-Q2');
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/report\.md: something other than a file is in the way; nothing was written/);
    for (const [name, content] of Object.entries(first)) expect(readFileSync(join(out, name), 'utf8')).toBe(content);
    rmSync(join(out, 'report.md'), { recursive: true });
    expect((await report('2026-Q2')).code).toBe(0);
    expect((JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { query: { period: string } }).query.period).toBe('2026-Q2');
    expect(readdirSync(out).sort()).toEqual(['report.html', 'report.json', 'report.md']);
  });
});

describe('tamper evidence by default', () => {
  it('seals the log at the end of `run`, `import` and `demo`, and a second seal finds nothing new', MANY_PROCESSES, async () => {
    const { path, url } = await storeOfCustomers(scratch, 'store.db', 2);
    const sealedBy = async (where: string) => (await withSqlite(where, readAllEvents)).filter((event) => event.streamId === INTEGRITY_STREAM).map((event) => event.metadata.actor.id);
    expect(await sealedBy(path)).toEqual(['aftersales-run']);
    const again = await aftersales(['audit', 'seal', '--store', url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^nothing new to seal since the last checkpoint\nanchor: \d+:[0-9a-f]{64}\n$/);

    const demo = scratch.file('demo.db');
    expect((await aftersales(['demo', '--orders', '3', '--store', `sqlite:${demo}`])).code).toBe(0);
    expect(await sealedBy(demo)).toEqual(['aftersales-demo']);

    const exported = await aftersales(['export', '--store', url]);
    const withoutSeal = exported.stdout.split('\n').filter((line) => !line.includes(`"streamId":"${INTEGRITY_STREAM}"`));
    const file = scratch.file('unsealed.jsonl');
    writeFileSync(file, withoutSeal.join('\n'));
    const copy = scratch.file('copy.db');
    expect((await aftersales(['import', file, '--store', `sqlite:${copy}`])).code).toBe(0);
    expect(await sealedBy(copy)).toEqual(['aftersales-import']);
  });

  it('catches a removed tail, a removed stream and a swap across streams with the anchor `audit seal --anchor-out` wrote', MANY_PROCESSES, async () => {
    const { path, url } = await storeOfCustomers(scratch, 'store.db', 3);
    const anchor = scratch.file('kept-elsewhere.anchor');
    const sealed = await aftersales(['audit', 'seal', '--anchor-out', anchor, '--store', url]);
    expect(sealed.code, sealed.stderr).toBe(0);
    expect(readFileSync(anchor, 'utf8')).toMatch(/^\d+:[0-9a-f]{64}\n$/);
    expect((await aftersales(['audit', 'verify', '--anchor', anchor, '--store', url])).code).toBe(0);

    const tampered = (name: string, edit: (db: Database.Database) => void): string => {
      const copy = scratch.file(name);
      copyFileSync(path, copy);
      copyFileSync(derivedKeyPath(path), derivedKeyPath(copy));
      const db = new Database(copy);
      edit(db);
      db.close();
      return `sqlite:${copy}`;
    };
    const cases = {
      // The last order and every checkpoint go: each stream's chain still holds.
      'a removed tail': tampered('tail.db', (db) => db.prepare("DELETE FROM events WHERE position >= (SELECT position FROM events WHERE stream_id = 'RepairOrder-RO-3') OR stream_id = ?").run(INTEGRITY_STREAM)),
      'a removed stream': tampered('stream.db', (db) => db.prepare("DELETE FROM events WHERE stream_id IN ('RepairOrder-RO-2', ?)").run(INTEGRITY_STREAM)),
      'a swap across streams': tampered('swap.db', (db) => {
        db.prepare('DELETE FROM events WHERE stream_id = ?').run(INTEGRITY_STREAM);
        db.exec("UPDATE events SET position = -position WHERE stream_id IN ('RepairOrder-RO-1', 'RepairOrder-RO-2')");
        db.exec("UPDATE events SET position = (SELECT min(position) FROM events WHERE stream_id = 'RepairOrder-RO-2' AND position < 0) * -1 WHERE stream_id = 'RepairOrder-RO-1' AND position < 0");
        db.exec("UPDATE events SET position = (SELECT position FROM events WHERE stream_id = 'RepairOrder-RO-1' AND position > 0) - 1 + 2 * (SELECT count(*) FROM events) WHERE stream_id = 'RepairOrder-RO-2' AND position < 0");
      }),
    };
    for (const [name, store] of Object.entries(cases)) {
      expect((await aftersales(['audit', 'verify', '--store', store])).code, `${name}, without the anchor`).toBe(0);
      const verified = await aftersales(['audit', 'verify', '--anchor', anchor, '--store', store]);
      expect(verified.code, name).toBe(1);
      expect(verified.stdout).toMatch(/CheckpointMismatch \$all: the anchor at event \d+ (does not match|is beyond the end of the log)/);
    }
  });
});

describe('`run -` answers each line as soon as it is committed', () => {
  it('acknowledges a line from a pipe before the next one is sent', MANY_PROCESSES, async () => {
    const running = startAftersales(['run', '-', '--store', `sqlite:${scratch.file('store.db')}`], { stdin: 'pipe' });
    running.stdin!.write(`${receiveOrderLine('RO-1', '13800000001')}\n`);
    while (printedResults(running.stdout()).length === 0) await sleep(20);
    expect(printedResults(running.stdout())).toMatchObject([{ line: 1, ok: true }]);
    running.stdin!.write(`${receiveOrderLine('RO-2', '13800000002')}\n`);
    while (printedResults(running.stdout()).length === 1) await sleep(20);
    running.stdin!.end();
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(printedResults(running.stdout())).toMatchObject([{ line: 1, ok: true }, { line: 2, ok: true }]);
  });
});
