import { readFileSync, writeFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '@aftersales/core';
import { ERASED, collect } from '@aftersales/core';
import { computeEventHash } from '@aftersales/core/adapter-kit';
import { SqliteEventStore, SqliteKeyStore } from '@aftersales/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportedEvent, exportedEventOf, recordedEventOf } from '@aftersales/core/log-transfer';
import { departmentEventPipeline } from '@aftersales/domain';
import { aftersales, scratchDirectory } from '../testing.js';

const command = (type: string, data: Record<string, unknown>, commandId: string, actor: { id: string; role: string }, at: string) =>
  JSON.stringify({ type, data, metadata: { commandId, actor, at } });
const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
const manager = { id: 'DM-01', role: 'DepartmentManager' };
const receive = (orderId: string, name: string, phone: string) =>
  command(
    'ReceiveRepairOrder',
    { orderId, endpointId: 'EP-01', customer: { name, phone }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
    `${orderId}/receive`,
    endpoint,
    '2026-03-02T09:00:00+08:00',
  );
const confirm = (orderId: string) => command('ConfirmReceipt', { orderId }, `${orderId}/confirm`, manager, '2026-03-02T10:00:00+08:00');
const schedule = (orderId: string) =>
  command('ScheduleRepair', { orderId, promisedBy: '2026-03-06T18:00:00+08:00', specialistId: 'SP-01' }, `${orderId}/schedule`, manager, '2026-03-02T11:00:00+08:00');
const abuse = command('ApproveExpense', { budgetId: 'B-1', expenseId: 'X-1' }, 'abuse-1', { id: 'SP-01', role: 'AfterSalesSpecialist' }, '2026-03-03T09:00:00+08:00');

const scratch = scratchDirectory();
const path = scratch.file('log.db');
const store = `sqlite:${path}`;
let exported: string[];

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0);
const parse = (line: string): RecordedEvent => recordedEventOf(ExportedEvent.parse(JSON.parse(line)));
const write = (name: string, events: readonly string[]) => {
  const file = scratch.file(name);
  writeFileSync(file, `${events.join('\n')}\n`);
  return file;
};
const indexOf = (streamId: string, revision: number) => exported.findIndex((line) => {
  const event = parse(line);
  return event.streamId === streamId && event.revision === revision;
});

beforeAll(async () => {
  const ran = await aftersales(['run', '-', '--store', store], {
    input: [receive('RO-1', '王芳', '13800000000'), receive('RO-2', '李雷', '13900000000'), confirm('RO-1'), schedule('RO-1'), abuse].join('\n'),
  });
  expect(ran.code, ran.stderr).toBe(0);
  const sealed = await aftersales(['audit', 'seal', '--store', store, '--at', '2026-03-31T18:00:00+08:00']);
  expect(sealed.code, sealed.stderr).toBe(0);
  exported = lines((await aftersales(['export', '--store', store])).stdout);
}, 60_000);
afterAll(() => scratch.cleanup());

describe('aftersales audit verify', () => {
  it('finds the log intact, security log and checkpoint included, and prints the anchor to keep', async () => {
    const verified = await aftersales(['audit', 'verify', '--store', store]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^intact: 6 event\(s\) in 4 stream\(s\).*1 checkpoint\(s\)/);
    const anchor = /anchor: (\d+:[0-9a-f]{64})/.exec(verified.stdout)?.[1];
    expect((await aftersales(['audit', 'verify', '--store', store, '--anchor', anchor!])).code).toBe(0);
    expect(exported.map((line) => parse(line).streamId)).toEqual([
      'RepairOrder-RO-1',
      'RepairOrder-RO-2',
      'RepairOrder-RO-1',
      'RepairOrder-RO-1',
      'SecurityLog-2026-03-03',
      'Integrity-checkpoints',
    ]);
  });

  it('keeps a log verifiable under the audit key across the seals that runs make without it', async () => {
    const own = `sqlite:${scratch.file('audited.db')}`;
    const keyFile = scratch.file('auditor.key');
    writeFileSync(keyFile, Buffer.alloc(32, 9));
    expect((await aftersales(['run', '-', '--store', own], { input: receive('RO-7', '王芳', '13800000000') })).code).toBe(0);
    const beforeAudit = await aftersales(['audit', 'verify', '--store', own, '--audit-key-file', keyFile]);
    expect(beforeAudit.code).toBe(1);
    expect(beforeAudit.stdout).toContain('no checkpoint carries a MAC made with the audit key');

    const audit = await aftersales(['audit', 'seal', '--store', own, '--audit-key-file', keyFile, '--at', '2026-03-31T18:00:00+08:00']);
    expect(audit.stdout).toMatch(/^sealed the first 2 event\(s\).*with the audit key/);
    expect((await aftersales(['run', '-', '--store', own], { input: confirm('RO-7') })).code).toBe(0);

    const afterwards = await aftersales(['audit', 'verify', '--store', own, '--audit-key-file', keyFile]);
    expect(afterwards.code, afterwards.stdout).toBe(0);
    expect(afterwards.stdout).toContain('the audit key vouches for the first 2 event(s); the 3 after them rest on the hash chain');
  });

  it('names an edited field, a deleted event, two swapped events and a forged hash, each by stream and revision, and exits 1', async () => {
    const edited = [...exported];
    edited[indexOf('RepairOrder-RO-1', 1)] = edited[indexOf('RepairOrder-RO-1', 1)]!.replace('"RO-1"', '"RO-9"');
    const deleted = exported.filter((_, index) => index !== indexOf('RepairOrder-RO-1', 1));
    const swapped = [...exported];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    const forged = [...exported];
    const last = parse(forged[indexOf('RepairOrder-RO-1', 2)]!);
    const changed = { ...last, data: { ...(last.data as object), specialistId: 'SP-99' } };
    forged[indexOf('RepairOrder-RO-1', 2)] = JSON.stringify(exportedEventOf({ ...changed, metadata: { ...changed.metadata, hash: computeEventHash(changed) } }));

    const cases = [
      [edited, /line 3: RepairOrder-RO-1@1 \(ReceiptConfirmed\) does not match its hash/],
      [deleted, /line 3: RepairOrder-RO-1@1 is missing/],
      [swapped, /line 4: RepairOrder-RO-1@1 comes after revision 2 in the log's order: events were swapped/],
      [forged, /line 5: .*RepairOrder-RO-1@2 was replaced and its hash recomputed/],
    ] as const;
    for (const [events, problem] of cases) {
      const tampered = write('tampered.jsonl', events);
      const copy = scratch.file(`copy-${cases.findIndex(([candidate]) => candidate === events)}.db`);
      const imported = await aftersales(['import', tampered, '--store', `sqlite:${copy}`]);
      expect(imported.code).toBe(1);
      expect(imported.stderr).toMatch(/nothing was imported/);
      expect(imported.stderr).toMatch(problem);
      expect((await aftersales(['export', '--store', `sqlite:${copy}`])).stdout).toBe('');
      const verified = await aftersales(['audit', 'verify', '--file', tampered]);
      expect(verified.code).toBe(1);
      expect(verified.stdout).toMatch(/^NOT INTACT/);
      expect(verified.stdout).toMatch(problem);
    }
  }, 120_000);

  it('catches a log rewritten with every hash recomputed by the checkpoint it carries, and refuses to seal it', async () => {
    const copy = scratch.file('rewritten.db');
    const sqlite = SqliteEventStore.open(copy);
    if (E.isLeft(sqlite)) throw new Error(sqlite.left.message);
    // The whole log appended again with one order altered: the store computes a perfect new chain.
    for (const line of exported) {
      const stored = parse(line);
      const data = stored.streamId === 'RepairOrder-RO-2' ? { ...(stored.data as object), garment: 'silk coat' } : stored.data;
      const appended = await sqlite.right.appendToStream(stored.streamId, [{ eventId: stored.eventId, type: stored.type, data, metadata: stored.metadata }], { expectedRevision: 'any' });
      if (E.isLeft(appended)) throw new Error(appended.left.message);
    }
    await sqlite.right.close();
    const verified = await aftersales(['audit', 'verify', '--store', `sqlite:${copy}`]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/CheckpointMismatch RepairOrder-RO-2@0: .*was replaced and its hash recomputed/);
    const sealed = await aftersales(['audit', 'seal', '--store', `sqlite:${copy}`]);
    expect(sealed.code).toBe(1);
    expect(sealed.stderr).toMatch(/nothing was sealed/);
  }, 60_000);
});

describe('aftersales gdpr erase', () => {
  it("erases one customer's name and phone from every read, leaving the log byte for byte as it was and intact", async () => {
    expect(exported.join('\n')).not.toContain('王芳');
    expect(exported.join('\n')).not.toContain('13800000000');
    const erased = await aftersales(['gdpr', 'erase', '138-0000-0000', '--store', store, '--at', '2026-04-01T09:00:00+08:00']);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/1 key\(s\) destroyed/);
    expect((await aftersales(['gdpr', 'erase', '13800000000', '--store', store])).stdout).toMatch(/nothing to erase/);

    expect(lines((await aftersales(['export', '--store', store])).stdout)).toEqual(exported);
    expect((await aftersales(['audit', 'verify', '--store', store])).code).toBe(0);

    const events = SqliteEventStore.open(path);
    const keys = SqliteKeyStore.open(scratch.file('log.keys.db'));
    if (E.isLeft(events) || E.isLeft(keys)) throw new Error('cannot open the store');
    const read = await collect(departmentEventPipeline(events.right, keys.right).readAll({ filter: { eventTypes: ['RepairOrderReceived'] } }));
    await events.right.close();
    keys.right.close();
    expect(E.isRight(read) && read.right.map((event) => (event.data as { customer: unknown }).customer)).toEqual([
      { name: ERASED, phone: ERASED },
      { name: '李雷', phone: '13900000000' },
    ]);
  }, 60_000);

  it("erases an employee's name with --employee, leaving the other employees and the log intact", async () => {
    const staffPath = scratch.file('staff.db');
    const staffStore = `sqlite:${staffPath}`;
    const join = (employeeId: string, name: string) =>
      command('JoinDepartment', { employeeId, position: 'AfterSalesSpecialist', name }, `${employeeId}/join`, manager, '2026-03-02T09:00:00+08:00');
    const ran = await aftersales(['run', '-', '--store', staffStore], { input: [join('SP-7', '李娜'), join('SP-8', '张伟')].join('\n') });
    expect(ran.code, ran.stderr).toBe(0);
    const before = (await aftersales(['export', '--store', staffStore])).stdout;
    expect(before).not.toContain('李娜');
    const erased = await aftersales(['gdpr', 'erase', 'SP-7', '--employee', '--store', staffStore, '--at', '2026-04-01T09:00:00+08:00']);
    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(/employee SP-7: 1 key\(s\) destroyed/);
    expect((await aftersales(['export', '--store', staffStore])).stdout).toBe(before);
    expect((await aftersales(['audit', 'verify', '--store', staffStore])).code).toBe(0);
    const events = SqliteEventStore.open(staffPath);
    const keys = SqliteKeyStore.open(scratch.file('staff.keys.db'));
    if (E.isLeft(events) || E.isLeft(keys)) throw new Error('cannot open the store');
    const read = await collect(departmentEventPipeline(events.right, keys.right).readAll({ filter: { eventTypes: ['EmployeeJoined'] } }));
    await events.right.close();
    keys.right.close();
    expect(E.isRight(read) && read.right.map((event) => (event.data as { name: unknown }).name)).toEqual([ERASED, '张伟']);
  }, 60_000);

  it('records abuse of power in the security log, not in the aggregate', async () => {
    const trail = await aftersales(['audit', 'trail', '--store', store, '--actor', 'SP-01', '--json']);
    expect(JSON.parse(trail.stdout)).toEqual([expect.objectContaining({ type: 'CommandRefused', streamId: 'SecurityLog-2026-03-03' })]);
    expect(readFileSync(path).length).toBeGreaterThan(0);
  });
});
