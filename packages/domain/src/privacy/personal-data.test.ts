import type { EventStore, EventToAppend, RecordedEvent } from '@aftersales/core';
import {
  ERASED,
  InMemoryEventStore,
  InMemoryKeyStore,
  collect,
  createCommandRouter,
  createPersonalDataTransform,
  createUpcasting,
  subjectPseudonym,
  verifyLog,
} from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { storedRepairOrderReceivedV1 } from '../testing/repair-order.js';
import { employee } from '../employee/index.js';
import { repairOrder, repairOrderUpcasters } from '../repair-order/index.js';
import { customerIdentifier, departmentEventPipeline, departmentPersonalData, employeeIdentifier, normalizePhone } from './personal-data.js';

const storedV1: RecordedEvent = storedRepairOrderReceivedV1();

const upcasting = createUpcasting(repairOrderUpcasters);
const manager = { id: 'DM-01', role: 'DepartmentManager' };

const department = () => {
  const raw = new InMemoryEventStore();
  const keyStore = new InMemoryKeyStore();
  const store = departmentEventPipeline(raw, keyStore);
  const router = createCommandRouter({ store, upcasting }, [repairOrder, employee]);
  return { raw, keyStore, store, router };
};

const read = async (store: EventStore) => {
  const all = await collect(store.readAll());
  if (E.isLeft(all)) throw new Error(all.left.message);
  return all.right;
};

const receive = (orderId: string, phone: string, commandId: string) => ({
  type: 'ReceiveRepairOrder',
  data: { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  metadata: { commandId, actor: { id: 'EP-01', role: 'BusinessEndpoint' }, at: '2026-03-02T09:00:00+08:00' },
});
const confirm = (orderId: string, commandId: string) => ({
  type: 'ConfirmReceipt',
  data: { orderId },
  metadata: { commandId, actor: manager, at: '2026-03-02T10:00:00+08:00' },
});

const appendStored = async (store: EventStore, event: RecordedEvent) => {
  const { eventId, type, data, metadata } = event;
  const toAppend: EventToAppend = { eventId, type, data, metadata };
  const appended = await store.appendToStream(event.streamId, [toAppend], { expectedRevision: 'noStream' });
  if (E.isLeft(appended)) throw new Error(appended.left.message);
};

describe('the department personal data policy', () => {
  it('identifies a customer by the phone number however it is written', () => {
    expect(normalizePhone(' 138 0000-0000 ')).toBe('13800000000');
    expect(customerIdentifier('+86 138 0000 0000')).toBe('phone:+8613800000000');
  });

  it('encrypts the customer of a received order, and erasure leaves the order readable and the log intact', async () => {
    const { raw, keyStore, store, router } = department();
    expect(E.isRight(await router.handle(receive('RO-1', '13800000000', 'c-1')))).toBe(true);
    expect(E.isRight(await router.handle(receive('RO-2', '13900000000', 'c-2')))).toBe(true);
    const stored = JSON.stringify((await read(raw)).map((event) => event.data));
    expect(stored).not.toContain('王芳');
    expect(stored).not.toContain('13800000000');

    const secret = await keyStore.pseudonymSecret();
    if (E.isLeft(secret)) throw new Error(secret.left.message);
    await keyStore.eraseSubject(subjectPseudonym(secret.right, customerIdentifier('138 0000 0000')), '2026-04-01T00:00:00Z');

    const customers = (await read(store)).map((event) => (event.data as { customer: unknown }).customer);
    expect(customers).toEqual([{ name: ERASED, phone: ERASED }, { name: '王芳', phone: '13900000000' }]);
    expect(E.isRight(await router.handle(confirm('RO-1', 'c-3')))).toBe(true);
    const verified = await verifyLog(raw);
    expect(E.isRight(verified) && verified.right.intact).toBe(true);
  });

  it('reads a stored first-version event in the newest shape, and carries its order on', async () => {
    const { raw, store, router } = department();
    await appendStored(raw, storedV1);
    const [received] = await read(store);
    expect(received).toMatchObject({
      type: 'RepairOrderReceived',
      data: { orderId: 'RO-2025-0117', workItems: ['waistAlteration'], customer: { name: '陈静', phone: '13912345678' } },
      metadata: { schemaVersion: 2 },
    });
    expect(received?.data).not.toHaveProperty('workItem');
    const confirmed = await router.handle(confirm('RO-2025-0117', 'c-9'));
    expect(confirmed).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'ReceiptConfirmed', revision: 1 }] } });
    const verified = await verifyLog(raw);
    expect(E.isRight(verified) && verified.right).toMatchObject({ intact: true, eventCount: 2 });
  });

  it('decrypts before upcasting: a first-version event with encrypted fields reads in the newest shape', async () => {
    const { raw, keyStore, store } = department();
    const transform = createPersonalDataTransform(keyStore, departmentPersonalData);
    const { eventId, type, data, metadata } = storedV1;
    const encrypted = await transform.encode(storedV1.streamId, { eventId, type, data, metadata });
    expect(JSON.stringify(encrypted.data)).not.toContain('陈静');
    await raw.appendToStream(storedV1.streamId, [encrypted], { expectedRevision: 'noStream' });
    const [received] = await read(store);
    expect(received?.data).toMatchObject({ workItems: ['waistAlteration'], customer: { name: '陈静', phone: '13912345678' } });
  });

  it("encrypts an employee's name, leave reasons and care notes under their key, and erasing it leaves the rest readable", async () => {
    const { raw, keyStore, store, router } = department();
    const command = (type: string, data: Record<string, unknown>, actor: { id: string; role: string }, commandId: string, at: string) => ({
      type,
      data,
      metadata: { commandId, actor, at },
    });
    const employ = (employeeId: string, name: string, commandId: string) =>
      command('JoinDepartment', { employeeId, position: 'AfterSalesSpecialist', name }, manager, commandId, '2026-03-02T09:00:00+08:00');
    expect(E.isRight(await router.handle(employ('SP-7', '李娜', 'e-1')))).toBe(true);
    expect(E.isRight(await router.handle(employ('SP-8', '张伟', 'e-2')))).toBe(true);
    const leave = { employeeId: 'SP-7', leaveId: 'LV-1', from: '2026-03-09', to: '2026-03-10', reason: '住院复查' };
    expect(E.isRight(await router.handle(command('RequestLeave', leave, { id: 'SP-7', role: 'AfterSalesSpecialist' }, 'e-3', '2026-03-03T09:00:00+08:00')))).toBe(true);
    const care = { employeeId: 'SP-7', kind: 'psychological', note: '家人生病，情绪低落' };
    expect(E.isRight(await router.handle(command('RecordCare', care, manager, 'e-4', '2026-03-04T09:00:00+08:00')))).toBe(true);
    const stored = JSON.stringify((await read(raw)).map((event) => event.data));
    for (const secretText of ['李娜', '张伟', '住院复查', '家人生病']) expect(stored).not.toContain(secretText);

    const secret = await keyStore.pseudonymSecret();
    if (E.isLeft(secret)) throw new Error(secret.left.message);
    await keyStore.eraseSubject(subjectPseudonym(secret.right, employeeIdentifier('SP-7')), '2026-04-01T00:00:00Z');

    const events = await read(store);
    expect(events.map((event) => event.data)).toEqual([
      { employeeId: 'SP-7', position: 'AfterSalesSpecialist', name: ERASED },
      { employeeId: 'SP-8', position: 'AfterSalesSpecialist', name: '张伟' },
      { ...leave, days: 2, reason: ERASED },
      { ...care, note: ERASED },
    ]);
    expect(E.isRight(await router.handle(command('DecideLeave', { employeeId: 'SP-7', leaveId: 'LV-1', approved: true }, manager, 'e-5', '2026-03-05T09:00:00+08:00')))).toBe(true);
    const verified = await verifyLog(raw);
    expect(E.isRight(verified) && verified.right.intact).toBe(true);
  });
});
