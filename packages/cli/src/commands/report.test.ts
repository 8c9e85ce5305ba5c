import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { aftersales, scratchDirectory } from '../testing.js';

const command = (type: string, data: Record<string, unknown>, commandId: string, actor: { id: string; role: string }, at: string) =>
  JSON.stringify({ type, data, metadata: { commandId, actor, at } });
const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
const manager = { id: 'DM-01', role: 'DepartmentManager' };
const receive = (orderId: string, phone: string, at: string) =>
  command('ReceiveRepairOrder', { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone }, garment: 'wool coat', workItems: ['hemming'], requirements: '' }, `${orderId}/receive`, endpoint, at);
const confirm = (orderId: string, at: string) => command('ConfirmReceipt', { orderId }, `${orderId}/confirm`, manager, at);
const schedule = (orderId: string, at: string) =>
  command('ScheduleRepair', { orderId, promisedBy: '2026-04-10T18:00:00+08:00', specialistId: 'SP-01' }, `${orderId}/schedule`, manager, at);

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());
const files = (directory: string) => ['report.json', 'report.md', 'report.html'].map((name) => readFileSync(join(directory, name), 'utf8'));

describe('aftersales report', () => {
  it('writes the same three files for the same log, run after run, and after an erasure', async () => {
    const store = `sqlite:${scratch.file('log.db')}`;
    const ran = await aftersales(['run', '-', '--store', store], {
      input: [
        receive('RO-1', '13800000000', '2026-03-02T09:00:00+08:00'),
        confirm('RO-1', '2026-03-02T10:00:00+08:00'),
        schedule('RO-1', '2026-03-02T11:00:00+08:00'),
        receive('RO-2', '13900000000', '2026-04-01T09:00:00+08:00'),
        confirm('RO-2', '2026-04-03T10:00:00+08:00'),
      ].join('\n'),
    });
    expect(ran.code, ran.stderr).toBe(0);
    const args = ['report', '--as-of', '2026-06-30T18:00:00+08:00', '--store', store];
    const first = await aftersales([...args, '--out', scratch.file('first')]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/the log is intact/);
    expect((await aftersales([...args, '--out', scratch.file('second')])).code).toBe(0);
    expect(files(scratch.file('second'))).toEqual(files(scratch.file('first')));

    const [json, markdown, html] = files(scratch.file('first'));
    const report = JSON.parse(json!) as { query: unknown; kpis: { kpi: string; numerator: number; denominator: number }[]; missed: { itemId: string }[]; verification: { intact: boolean } };
    expect(report.query).toEqual({ period: '2026', asOf: '2026-06-30T18:00:00+08:00', knownAt: null });
    expect(report.kpis.find((kpi) => kpi.kpi === 'timelyReceipt')).toMatchObject({ numerator: 1, denominator: 2 });
    expect(report.missed).toEqual([expect.objectContaining({ itemId: 'RO-2' })]);
    expect(report.verification.intact).toBe(true);
    expect(markdown).toContain('| timelyReceipt | 接收及时完成率 | 1 / 2 | 50.0% |');
    expect(html).toContain('<canvas id="kpi-chart"');
    expect(`${json}${markdown}${html}`).not.toContain('13800000000');

    expect((await aftersales(['gdpr', 'erase', '13800000000', '--store', store])).code).toBe(0);
    expect((await aftersales([...args, '--out', scratch.file('erased')])).code).toBe(0);
    expect(files(scratch.file('erased'))).toEqual(files(scratch.file('first')));

    const known = await aftersales([...args, '--known-at', '2020-01-01', '--out', scratch.file('known')]);
    expect(known.code).toBe(0);
    expect(JSON.parse(files(scratch.file('known'))[0]!)).toMatchObject({ log: { eventsCounted: 0 }, kpis: expect.arrayContaining([expect.objectContaining({ kpi: 'timelyReceipt', denominator: 0 })]) });
  }, 120_000);

  it('judges by a settings file and states it, and is still written when an event does not decrypt, naming it', async () => {
    const path = scratch.file('settings-log.db');
    const store = `sqlite:${path}`;
    await aftersales(['run', '-', '--store', store], {
      input: [receive('RO-1', '13800000000', '2026-03-02T09:00:00+08:00'), confirm('RO-1', '2026-03-03T20:00:00+08:00'), schedule('RO-1', '2026-03-03T20:30:00+08:00'), receive('RO-2', '13900000000', '2026-03-05T09:00:00+08:00')].join('\n'),
    });
    const settings = scratch.file('settings.json');
    writeFileSync(settings, JSON.stringify([{ effectiveFrom: '2026-01-01T00:00:00+08:00', receiptSlaHours: 48, executionFloor: 0.8, timeZone: 'Asia/Shanghai' }]));
    const args = ['report', '--as-of', '2026-03-31', '--period', '2026-03', '--store', store];
    expect((await aftersales([...args, '--settings', settings, '--out', scratch.file('settings-report')])).code).toBe(0);
    const judged = JSON.parse(files(scratch.file('settings-report'))[0]!) as { kpis: { kpi: string; numerator: number }[]; configuration: { versions: { receiptSlaHours: number }[] } };
    expect(judged.kpis.find((kpi) => kpi.kpi === 'timelyReceipt')?.numerator).toBe(1);
    expect(judged.configuration.versions).toEqual([expect.objectContaining({ receiptSlaHours: 48 })]);

    // One flipped byte of RO-2's encrypted customer: the log no longer verifies, and the order no longer decrypts.
    const db = new Database(path);
    const row = db.prepare("SELECT position, data FROM events WHERE stream_id = 'RepairOrder-RO-2'").get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(row.data.replace(/"ciphertext":"(.)/, (_all, first: string) => `"ciphertext":"${first === 'A' ? 'B' : 'A'}`), row.position);
    db.close();
    const damaged = await aftersales([...args, '--out', scratch.file('damaged-report')]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/NOT INTACT.*1 event\(s\) did not decode/);
    const report = JSON.parse(files(scratch.file('damaged-report'))[0]!) as { undecodable: { streamId: string; revision: number; problem: string }[]; kpis: { kpi: string; numerator: number }[] };
    expect(report.undecodable).toEqual([expect.objectContaining({ streamId: 'RepairOrder-RO-2', revision: 0, problem: expect.stringContaining('decrypt') })]);
    expect(files(scratch.file('damaged-report'))[1]).toContain('RepairOrder-RO-2@0');
    const kpi = await aftersales(['kpi', '--period', '2026-03', '--as-of', '2026-03-31', '--store', store]);
    expect(kpi.code).toBe(0);
    expect(kpi.stdout).toContain('1 department events did not decode and are in no KPI');
  }, 120_000);

  it('needs --as-of and --out, and names a bad period', async () => {
    const missing = await aftersales(['report', '--out', scratch.file('x'), '--store', 'memory:']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--as-of/);
    const bad = await aftersales(['report', '--as-of', '2026-06-30', '--period', '2026-13', '--out', scratch.file('x'), '--store', 'memory:']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/2026-13/);
  }, 60_000);
});

describe('a first-version event, end to end', () => {
  it('imports a stored RepairOrderReceived v1, carries its order on, and reads it in the newest shape everywhere', async () => {
    const fixture = readFileSync(new URL('../../../domain/src/repair-order/fixtures/repair-order-received.v1.json', import.meta.url), 'utf8');
    const log = scratch.file('v1.jsonl');
    writeFileSync(log, `${JSON.stringify(JSON.parse(fixture))}\n`);
    const store = `sqlite:${scratch.file('v1.db')}`;
    const imported = await aftersales(['import', log, '--store', store]);
    expect(imported.code, imported.stderr).toBe(0);

    const ran = await aftersales(['run', '-', '--store', store], { input: confirm('RO-2025-0117', '2025-11-03T11:00:00+08:00') });
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ ok: true, events: [{ streamId: 'RepairOrder-RO-2025-0117', revision: 1, type: 'ReceiptConfirmed' }] });

    const trail = JSON.parse((await aftersales(['audit', 'trail', '--stream', 'RepairOrder-RO-2025-0117', '--json', '--store', store])).stdout) as { type: string; schemaVersion: number; decoded: boolean }[];
    expect(trail.map(({ type, schemaVersion, decoded }) => ({ type, schemaVersion, decoded }))).toEqual([
      // The version it was stored with: the trail reads it upcast, and says what is in the log.
      { type: 'RepairOrderReceived', schemaVersion: 1, decoded: true },
      { type: 'ReceiptConfirmed', schemaVersion: 1, decoded: true },
    ]);
    expect((await aftersales(['audit', 'verify', '--store', store])).code).toBe(0);
    const reported = await aftersales(['report', '--as-of', '2025-12-31', '--out', scratch.file('v1-report'), '--store', store]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(JSON.parse(files(scratch.file('v1-report'))[0]!)).toMatchObject({ log: { eventsCounted: 2 }, query: { period: '2025' } });
  }, 60_000);
});
