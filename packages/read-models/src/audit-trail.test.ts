import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { deterministicEventId } from '@aftersales/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, AuditQuery } from './audit-trail.js';
import type { AuditPage, KpiAnswer, ReadModels } from './read-models.js';
import { createReadModels } from './read-models.js';
import { testDepartment } from './test-department.js';

const at = (local: string): string => `2026-${local}:00+08:00`;

const appendRaw = async (store: EventStore, streamId: string, type: string, data: unknown, options: { at: string; schemaVersion?: number; actor?: { id: string; role: string } }) => {
  const commandId = `raw-${streamId}-${type}-${options.at}`;
  const appended = await store.appendToStream(
    streamId,
    [
      {
        eventId: deterministicEventId(streamId, commandId, 0),
        type,
        data,
        metadata: {
          commandId,
          correlationId: commandId,
          causationId: commandId,
          actor: options.actor ?? { id: 'system', role: 'System' },
          occurredAt: options.at,
          schemaVersion: options.schemaVersion ?? 1,
        },
      },
    ],
    { expectedRevision: 'any' },
  );
  if (E.isLeft(appended)) throw new Error(appended.left.message);
};

const readModelsOf = async (store: EventStore): Promise<ReadModels> => {
  const models = createReadModels({ store });
  const built = await models.catchUp();
  if (E.isLeft(built)) throw new Error(built.left.message);
  return models;
};

const entriesOf = async (models: ReadModels, query: AuditQuery = {}): Promise<AuditEntry[]> => {
  const entries: AuditEntry[] = [];
  for await (const entry of models.auditEntries(query)) entries.push(entry);
  return entries;
};

describe('audit trail', () => {
  let store: EventStore;
  let models: ReadModels;
  let trail: { entries: AuditEntry[] };
  const queryAuditTrail = (_: unknown, query: AuditQuery) => entriesOf(models, query);
  beforeAll(async () => {
    const d = testDepartment();
    store = d.store;
    await d.send(
      'ReceiveRepairOrder',
      { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
      at('03-02T09:00'),
      { id: 'EP-01', role: 'BusinessEndpoint' },
      { correlationId: 'visit-7' },
    );
    await d.send('ConfirmReceipt', { orderId: 'RO-1' }, at('03-02T10:00'), { id: 'DM-01', role: 'DepartmentManager' }, { correlationId: 'visit-7', causationId: 'cmd-1' });
    await d.order.schedule('RO-1', at('03-02T11:00'), at('03-06T18:00'));
    await d.budgets.activate('B-1', at('01-05T09:00'), [{ category: 'tools', amount: 50_000 }]);
    await appendRaw(
      store,
      'SecurityLog-2026-03-03',
      'CommandRefused',
      {
        commandId: 'cmd-x',
        commandType: 'CloseRepairOrder',
        code: 'Forbidden',
        reason: 'the Auditor role is read-only',
        actor: { id: 'AU-01', role: 'Auditor' },
        at: at('03-03T09:00'),
        targetStreamId: 'RepairOrder-RO-1',
      },
      { at: at('03-03T09:00'), actor: { id: 'AU-01', role: 'Auditor' } },
    );
    await appendRaw(store, 'Mailbox-1', 'ReminderSent', { to: 'EP-01' }, { at: at('03-04T09:00') });
    await appendRaw(store, 'RepairOrder-RO-9', 'RepairOrderReceived', { orderId: 'RO-9', endpointId: 'EP-01', workItem: 'hemming', customer: { name: 'x', phone: 'y' }, garment: 'silk shirt', requirements: '' }, { at: at('03-05T09:00'), schemaVersion: 1, actor: { id: 'EP-01', role: 'BusinessEndpoint' } });
    await appendRaw(store, 'RepairOrder-RO-8', 'RepairOrderReceived', { orderId: 'RO-8' }, { at: at('03-05T10:00'), schemaVersion: 2 });
    models = await readModelsOf(store);
    trail = { entries: await entriesOf(models) };
  });

  it('records every event with when, who, what, where and why', async () => {
    expect(trail.entries).toHaveLength(11);
    expect(trail.entries[0]).toEqual({
      position: '1',
      streamId: 'RepairOrder-RO-1',
      revision: 0,
      aggregateType: 'RepairOrder',
      aggregateId: 'RO-1',
      eventId: expect.any(String),
      type: 'RepairOrderReceived',
      occurredAt: at('03-02T09:00'),
      recordedAt: '2027-01-01T00:00:00.000Z',
      actor: { id: 'EP-01', role: 'BusinessEndpoint' },
      commandId: 'cmd-1',
      correlationId: 'visit-7',
      causationId: 'cmd-1',
      schemaVersion: 2,
      summary: {
        zh: '业务端 EP-01 报修，修复单 RO-1：wool coat（hemming）',
        en: 'Repair order RO-1 received from endpoint EP-01: wool coat (hemming)',
      },
      decoded: true,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(trail.entries.map((entry) => entry.position)).toEqual(trail.entries.map((_, index) => String(index + 1)));
  });

  it('keeps customer names and phone numbers out of every summary', async () => {
    const text = JSON.stringify(trail.entries.map((entry) => entry.summary));
    expect(text).not.toContain('王芳');
    expect(text).not.toContain('13800000000');
  });

  it('summarises refused commands of the security log, naming who was refused', async () => {
    const [refused] = await queryAuditTrail(trail, { aggregateType: 'SecurityLog' });
    expect(refused).toMatchObject({
      aggregateId: '2026-03-03',
      type: 'CommandRefused',
      subject: { id: 'AU-01', role: 'Auditor' },
      targetStreamId: 'RepairOrder-RO-1',
      decoded: true,
      summary: {
        en: 'Refused CloseRepairOrder on RepairOrder-RO-1 from AU-01 (Auditor): Forbidden, the Auditor role is read-only',
        zh: '拒绝了 AU-01（Auditor） 的命令 CloseRepairOrder（RepairOrder-RO-1）：Forbidden，the Auditor role is read-only',
      },
    });
  });

  it('summarises events it does not know generically, and flags department events that do not decode', async () => {
    expect((await queryAuditTrail(trail, { streamId: 'Mailbox-1' }))[0]).toMatchObject({
      summary: { en: 'ReminderSent on Mailbox-1', zh: '流 Mailbox-1 上的事件 ReminderSent' },
      decoded: false,
    });
    expect((await queryAuditTrail(trail, { aggregateId: 'RO-8' }))[0]).toMatchObject({ decoded: false, summary: { en: expect.stringContaining('Undecodable RepairOrderReceived') } });
  });

  it('reads a first-version order through the upcaster', async () => {
    expect((await queryAuditTrail(trail, { aggregateId: 'RO-9' }))[0]).toMatchObject({
      decoded: true,
      schemaVersion: 1,
      summary: { en: 'Repair order RO-9 received from endpoint EP-01: silk shirt (hemming)' },
    });
  });

  it('answers by aggregate, stream, actor, role, correlation, command and time range', async () => {
    const types = (entries: ReadonlyArray<{ type: string }>) => entries.map((entry) => entry.type);
    expect(types(await queryAuditTrail(trail, { aggregateType: 'RepairOrder', aggregateId: 'RO-1' }))).toEqual(['RepairOrderReceived', 'ReceiptConfirmed', 'RepairScheduled', 'CommandRefused']);
    expect(types(await queryAuditTrail(trail, { streamId: 'RepairOrder-RO-1' }))).toEqual(['RepairOrderReceived', 'ReceiptConfirmed', 'RepairScheduled', 'CommandRefused']);
    expect(types(await queryAuditTrail(trail, { aggregateType: 'Budget', aggregateId: 'RO-1' }))).toEqual([]);
    expect(types(await queryAuditTrail(trail, { streamId: 'Budget-B-1' }))).toEqual(['BudgetDrafted', 'BudgetSubmitted', 'BudgetReviewed', 'BudgetApproved']);
    expect(types(await queryAuditTrail(trail, { actorId: 'FIN-01' }))).toEqual(['BudgetReviewed']);
    expect(types(await queryAuditTrail(trail, { actorId: 'AU-01' }))).toEqual(['CommandRefused']);
    expect(types(await queryAuditTrail(trail, { role: 'GeneralManager' }))).toEqual(['BudgetApproved']);
    expect(types(await queryAuditTrail(trail, { correlationId: 'visit-7' }))).toEqual(['RepairOrderReceived', 'ReceiptConfirmed']);
    expect((await queryAuditTrail(trail, { commandId: 'cmd-2' }))[0]).toMatchObject({ causationId: 'cmd-1', type: 'ReceiptConfirmed' });
    expect(types(await queryAuditTrail(trail, { from: at('03-02T10:00'), to: at('03-04T09:00') }))).toEqual(['ReceiptConfirmed', 'RepairScheduled', 'CommandRefused']);
    expect(await queryAuditTrail(trail, { from: '2027-01-01T00:00:00Z', timeField: 'recordedAt' })).toHaveLength(11);
    const page = await models.audit({ limit: 2 });
    if (E.isLeft(page)) expect.fail(page.left.message);
    expect((page as E.Right<AuditPage>).right).toMatchObject({ entries: [{ position: '1' }, { position: '2' }], next: '2' });
  });

  it('follows the streams of the rest of the department: another department acting, a refusal aimed at it, and no employee name', async () => {
    const d = testDepartment();
    await d.improvements.raise('I-1', at('03-01T09:00'), at('03-31T18:00'), 'PRODUCTION');
    await expect(d.improvements.fix('I-1', at('03-02T09:00'), true, 'LOGISTICS')).rejects.toThrow(/Forbidden/);
    await d.improvements.fix('I-1', at('03-03T09:00'), true, 'PRODUCTION');
    await d.staff.join('SP-09', at('03-04T09:00'));
    await d.jobDescriptions.explain('AfterSalesSpecialist', 1, at('03-05T09:00'), ['SP-09']);
    const entries = await entriesOf(await readModelsOf(d.store));
    const improvement = entries.filter((entry) => entry.aggregateType === 'Improvement' || entry.targetStreamId === 'Improvement-I-1');
    expect(improvement.map((entry) => [entry.type, entry.actor.role])).toEqual([
      ['IssueRaised', 'DepartmentManager'],
      ['RefusalRecorded', 'Department'],
      ['ImprovementRecorded', 'Department'],
      ['ImprovementVerified', 'DepartmentManager'],
    ]);
    expect(improvement[1]).toMatchObject({ subject: { id: 'LOGISTICS', role: 'Department' }, targetStreamId: 'Improvement-I-1', summary: { en: expect.stringContaining('Forbidden') } });
    expect(improvement[2]).toMatchObject({ actor: { id: 'PRODUCTION' }, summary: { en: 'PRODUCTION recorded an improvement for issue I-1' } });
    expect(entries.find((entry) => entry.type === 'EmployeeJoined')).toMatchObject({ aggregateType: 'Employee', aggregateId: 'SP-09', summary: { en: 'Employee SP-09 joined as AfterSalesSpecialist' } });
    expect(entries.find((entry) => entry.type === 'JobDescriptionExplained')).toMatchObject({ aggregateType: 'JobDescription', aggregateId: 'AfterSalesSpecialist' });
    expect(JSON.stringify(entries.map((entry) => entry.summary))).not.toContain('张伟');
  });

  it('leaves undecodable department events out of the KPI facts and lists them', async () => {
    const answer = await models.kpis({ period: '2026-03', asOf: at('03-31T00:00') });
    if (E.isLeft(answer)) expect.fail(answer.left.message);
    const { results, undecodable } = (answer as E.Right<KpiAnswer>).right;
    expect(undecodable).toEqual({ count: 1, sample: [{ evidence: expect.objectContaining({ streamId: 'RepairOrder-RO-8', type: 'RepairOrderReceived' }), problem: expect.stringContaining('does not decode') }] });
    // RO-1 and RO-9 are items; RO-8 is not.
    const receipt = results.find((result) => result.kpi === 'timelyReceipt');
    expect((receipt?.denominator ?? 0) + (receipt?.pendingCount ?? 0)).toBe(2);
  });
});
