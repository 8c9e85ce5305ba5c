import * as E from 'fp-ts/lib/Either.js';
import { InMemoryEventStore } from '@aftersales/core';
import type { DepartmentActor } from '@aftersales/domain';
import { openDepartment } from '@aftersales/service';
import { describe, expect, it } from 'vitest';
import { apiKeys } from './api-keys.js';
import { createApp } from './app.js';

const manager: DepartmentActor = { id: 'DM-01', role: 'DepartmentManager' };
const endpoint: DepartmentActor = { id: 'EP-01', role: 'BusinessEndpoint' };
const specialist: DepartmentActor = { id: 'SP-01', role: 'AfterSalesSpecialist' };
const auditor: DepartmentActor = { id: 'AU-1', role: 'Auditor' };
const gm: DepartmentActor = { id: 'GM-01', role: 'GeneralManager' };
const finance: DepartmentActor = { id: 'FIN-01', role: 'Finance' };
const actors = [manager, endpoint, specialist, auditor, gm, finance];
/** Each actor's API key: its id, padded to the length the key table asks for. */
const keyOf = (actor: DepartmentActor) => `key-of-${actor.id}`.padEnd(32, '0');
const keys = apiKeys(Object.fromEntries(actors.map((actor) => [keyOf(actor), actor])));
const newApp = async (maxBodyBytes?: number) => {
  const opened = await openDepartment({ store: new InMemoryEventStore() });
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const { department, readModels } = opened.right;
  return createApp({ department, readModels: readModels.models, apiKeys: keys, ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) });
};

let sequence = 0;
/** A command as a client sends it: no actor in the body, the credential says who acts. */
const command = (type: string, data: Record<string, unknown>, actor: DepartmentActor, at: string, commandId = `c-${(sequence += 1)}`) => ({
  as: actor,
  body: { type, data, metadata: { commandId, at } },
});
const receive = command(
  'ReceiveRepairOrder',
  { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  endpoint,
  '2026-03-02T09:00:00+08:00',
  'receive-RO-1',
);

const post = (app: Awaited<ReturnType<typeof newApp>>, sent: { as?: DepartmentActor; body: unknown }) =>
  app.request('/commands', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(sent.as ? { authorization: `Bearer ${keyOf(sent.as)}` } : {}) },
    body: typeof sent.body === 'string' ? sent.body : JSON.stringify(sent.body),
  });

describe('the HTTP service', () => {
  it('answers each outcome of a command with its own status', async () => {
    const app = await newApp();
    const created = await post(app, receive);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ streamId: 'RepairOrder-RO-1', duplicate: false, events: [{ revision: 0, type: 'RepairOrderReceived', globalPosition: '1' }] });
    expect((await post(app, receive)).status).toBe(200);
    expect((await post(app, { as: endpoint, body: '{ not json' })).status).toBe(400);
    expect((await post(app, { as: endpoint, body: { ...receive.body, data: { ...receive.body.data, orderId: 'RO-2', workItems: [] } } })).status).toBe(400);
    const conflict = await post(app, command('StartRepair', { orderId: 'RO-1' }, specialist, '2026-03-02T10:00:00+08:00'));
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'InvalidTransition' });
  });

  it('refuses an expense over its line with 422', async () => {
    const app = await newApp();
    const steps = [
      command('DraftBudget', { budgetId: 'B-1', fiscalYear: 2026, lines: [{ category: 'materials', amount: 10_000 }] }, manager, '2026-01-02T10:00:00+08:00'),
      command('SubmitBudget', { budgetId: 'B-1' }, manager, '2026-01-03T10:00:00+08:00'),
      command('ReviewBudget', { budgetId: 'B-1', approved: true, comments: '' }, finance, '2026-01-04T10:00:00+08:00'),
      command('ApproveBudget', { budgetId: 'B-1' }, gm, '2026-01-05T10:00:00+08:00'),
      command('ClaimExpense', { budgetId: 'B-1', expenseId: 'E-1', category: 'materials', amount: 12_000, description: 'thread' }, specialist, '2026-01-06T10:00:00+08:00'),
    ];
    for (const step of steps) expect((await post(app, step)).status).toBe(201);
    const overBudget = await post(app, command('ApproveExpense', { budgetId: 'B-1', expenseId: 'E-1' }, manager, '2026-01-07T10:00:00+08:00'));
    expect(overBudget.status).toBe(422);
    expect(await overBudget.json()).toMatchObject({ code: 'OverBudget' });
  });

  it('serves the KPIs of a period as of an instant, with what was just sent', async () => {
    const app = await newApp();
    await post(app, receive);
    const asAuditor = { headers: { authorization: `Bearer ${keyOf(auditor)}` } };
    const response = await app.request(`/kpis?period=2026-03&asOf=${encodeURIComponent('2026-03-31T23:59:59+08:00')}`, asAuditor);
    expect(response.status).toBe(200);
    const { kpis, position } = (await response.json()) as { kpis: Array<{ kpi: string }>; position: string };
    expect(kpis).toHaveLength(18);
    expect(BigInt(position)).toBeGreaterThan(0n);
    expect(kpis.find((kpi) => kpi.kpi === 'timelyReceipt')).toEqual({
      kpi: 'timelyReceipt',
      period: '2026-03',
      numerator: 0,
      denominator: 1,
      rate: 0,
      target: { direction: 'atLeast', rate: 1 },
      met: false,
      missed: ['RO-1'],
      missedCount: 1,
      pending: [],
      pendingCount: 0,
    });
    expect((await app.request('/kpis?period=spring', asAuditor)).status).toBe(400);
    expect((await app.request('/kpis?atLeast=yesterday', asAuditor)).status).toBe(400);
    const misspelt = await app.request('/kpis?period=2026-03&asof=2026-03-31', asAuditor);
    expect(misspelt.status).toBe(400);
    expect(await misspelt.json()).toEqual({ code: 'InvalidQuery', message: 'unknown query parameter "asof": /kpis takes period, asOf, atLeast' });
    const twice = await app.request('/kpis?period=2026-03&period=2026-04', asAuditor);
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { message: string }).message).toBe('query parameter period is given 2 times');
    expect((await app.request('/kpis?period=2026-03')).status).toBe(401);

    // The read models follow in the background: a client that passes the position of its own write reads it.
    const confirmed = await post(app, command('ConfirmReceipt', { orderId: 'RO-1' }, manager, '2026-03-02T10:00:00+08:00'));
    const [event] = ((await confirmed.json()) as { events: Array<{ globalPosition: string }> }).events;
    const after = await app.request(`/kpis?period=2026-03&asOf=${encodeURIComponent('2026-03-31T23:59:59+08:00')}&atLeast=${event!.globalPosition}`, asAuditor);
    expect(((await after.json()) as { position: string }).position).toBe(event!.globalPosition);
    expect((await app.request('/kpis?period=2026-03&atLeast=999999', asAuditor)).status).toBe(504);
  });

  it('answers 401 to a request without a credential or with an unknown key, before reading its body', async () => {
    const app = await newApp();
    for (const authorization of [undefined, 'Bearer not-a-key-of-anyone-0000000000000', `Basic ${keyOf(manager)}`]) {
      const response = await app.request('/commands', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
        body: JSON.stringify({ ...receive.body, metadata: { ...receive.body.metadata, actor: manager } }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ code: 'Unauthenticated' });
    }
  });

  it('answers 403 to a credential whose role may not send the command, and to a body naming another actor', async () => {
    const app = await newApp();
    expect((await post(app, receive)).status).toBe(201);
    const forbidden = await post(app, command('ConfirmReceipt', { orderId: 'RO-1' }, auditor, '2026-03-02T10:00:00+08:00'));
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'Forbidden' });
    // An endpoint's key cannot cancel an order by claiming to be the department manager in the body.
    const cancel = command('CancelRepairOrder', { orderId: 'RO-1', reason: 'customer changed her mind' }, endpoint, '2026-03-02T10:00:00+08:00');
    const impersonating = await post(app, { as: endpoint, body: { ...cancel.body, metadata: { ...cancel.body.metadata, actor: manager } } });
    expect(impersonating.status).toBe(403);
    expect(await impersonating.json()).toMatchObject({ code: 'ActorMismatch' });
    const naming = await post(app, { as: manager, body: { ...cancel.body, metadata: { ...cancel.body.metadata, actor: { role: manager.role, id: manager.id } } } });
    expect(naming.status).toBe(201);
  });

  it('answers 413 to a body over the limit, whether it declares its length or streams without end', async () => {
    const app = await newApp(1024);
    const declared = await post(app, { as: endpoint, body: { ...receive.body, data: { ...receive.body.data, requirements: 'x'.repeat(2000) } } });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: 'PayloadTooLarge' });
    // A body that never ends can only be answered by a limit enforced while reading it.
    const endless = new ReadableStream<Uint8Array>({ pull: (controller) => controller.enqueue(new Uint8Array(256).fill(32)) });
    const streamed = await app.request('/commands', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', authorization: `Bearer ${keyOf(endpoint)}` },
      body: endless,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: 'PayloadTooLarge' });
  });

  it('answers health checks without a credential, and unknown routes with a structured 404', async () => {
    const app = await newApp();
    const health = await app.request('/health');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const missing = await app.request('/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ code: 'NotFound', message: 'no GET /nothing-here' });
  });
});
