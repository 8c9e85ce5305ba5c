import { InMemoryEventStore } from '@aftersales/core';
import { describe, expect, it } from 'vitest';
import { createApp } from './app.js';

const manager = { id: 'DM-01', role: 'DepartmentManager' };
let sequence = 0;
const command = (type: string, data: Record<string, unknown>, actor: { id: string; role: string }, at: string, commandId = `c-${(sequence += 1)}`) => ({
  type,
  data,
  metadata: { commandId, actor, at },
});
const receive = command(
  'ReceiveRepairOrder',
  { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  { id: 'EP-01', role: 'BusinessEndpoint' },
  '2026-03-02T09:00:00+08:00',
  'receive-RO-1',
);

const post = (app: ReturnType<typeof createApp>, body: unknown) =>
  app.request('/commands', { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('the HTTP service', () => {
  it('answers each outcome of a command with its own status', async () => {
    const app = createApp({ store: new InMemoryEventStore() });
    const created = await post(app, receive);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ streamId: 'RepairOrder-RO-1', duplicate: false, events: [{ revision: 0, type: 'RepairOrderReceived', globalPosition: '1' }] });
    expect((await post(app, receive)).status).toBe(200);
    expect((await post(app, '{ not json')).status).toBe(400);
    expect((await post(app, { ...receive, data: { ...receive.data, orderId: 'RO-2', workItems: [] } })).status).toBe(400);
    expect((await post(app, command('ConfirmReceipt', { orderId: 'RO-1' }, { id: 'AU-1', role: 'Auditor' }, '2026-03-02T10:00:00+08:00'))).status).toBe(403);
    const conflict = await post(app, command('StartRepair', { orderId: 'RO-1' }, { id: 'SP-01', role: 'AfterSalesSpecialist' }, '2026-03-02T10:00:00+08:00'));
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'InvalidTransition' });
  });

  it('refuses an expense over its line with 422', async () => {
    const app = createApp({ store: new InMemoryEventStore() });
    const gm = { id: 'GM-01', role: 'GeneralManager' };
    const finance = { id: 'FIN-01', role: 'Finance' };
    const steps = [
      command('DraftBudget', { budgetId: 'B-1', fiscalYear: 2026, lines: [{ category: 'materials', amount: 10_000 }] }, manager, '2026-01-02T10:00:00+08:00'),
      command('SubmitBudget', { budgetId: 'B-1' }, manager, '2026-01-03T10:00:00+08:00'),
      command('ReviewBudget', { budgetId: 'B-1', approved: true, comments: '' }, finance, '2026-01-04T10:00:00+08:00'),
      command('ApproveBudget', { budgetId: 'B-1' }, gm, '2026-01-05T10:00:00+08:00'),
      command('ClaimExpense', { budgetId: 'B-1', expenseId: 'E-1', category: 'materials', amount: 12_000, description: 'thread' }, { id: 'SP-01', role: 'AfterSalesSpecialist' }, '2026-01-06T10:00:00+08:00'),
    ];
    for (const step of steps) expect((await post(app, step)).status).toBe(201);
    const overBudget = await post(app, command('ApproveExpense', { budgetId: 'B-1', expenseId: 'E-1' }, manager, '2026-01-07T10:00:00+08:00'));
    expect(overBudget.status).toBe(422);
    expect(await overBudget.json()).toMatchObject({ code: 'OverBudget' });
  });

  it('serves the KPIs of a period as of an instant, with what was just sent', async () => {
    const app = createApp({ store: new InMemoryEventStore() });
    await post(app, receive);
    const response = await app.request(`/kpis?period=2026-03&asOf=${encodeURIComponent('2026-03-31T23:59:59+08:00')}`);
    expect(response.status).toBe(200);
    const { kpis, position } = (await response.json()) as { kpis: Array<{ kpi: string }>; position: string };
    expect(kpis).toHaveLength(12);
    expect(BigInt(position)).toBeGreaterThan(0n);
    expect(kpis.find((kpi) => kpi.kpi === 'timelyReceipt')).toEqual({
      kpi: 'timelyReceipt',
      period: '2026-03',
      numerator: 0,
      denominator: 1,
      rate: 0,
      target: 1,
      met: false,
      missed: ['RO-1'],
      missedCount: 1,
      pending: [],
      pendingCount: 0,
    });
    expect((await app.request('/kpis?period=spring')).status).toBe(400);
    expect((await app.request('/kpis?atLeast=yesterday')).status).toBe(400);

    // The read models follow in the background: a client that passes the position of its own write reads it.
    const confirmed = await post(app, command('ConfirmReceipt', { orderId: 'RO-1' }, manager, '2026-03-02T10:00:00+08:00'));
    const [event] = ((await confirmed.json()) as { events: Array<{ globalPosition: string }> }).events;
    const after = await app.request(`/kpis?period=2026-03&asOf=${encodeURIComponent('2026-03-31T23:59:59+08:00')}&atLeast=${event!.globalPosition}`);
    expect(((await after.json()) as { position: string }).position).toBe(event!.globalPosition);
    expect((await app.request('/kpis?period=2026-03&atLeast=999999')).status).toBe(504);
  });
});
