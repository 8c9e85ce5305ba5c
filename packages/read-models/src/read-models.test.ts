import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import {
  InMemoryEventStore,
  InMemoryKeyStore,
  InMemoryProjectionStore,
  createPersonalDataTransform,
  subjectPseudonym,
  withEventPipeline,
} from '@aftersales/core';
import { createDepartment, customerIdentifier, departmentEventSchema, departmentPersonalData, departmentUpcasting } from '@aftersales/domain';
import { describe, expect, it, vi } from 'vitest';
import { createReadModels } from './read-models.js';
import { testDepartment } from './test-department.js';

const at = (local: string): string => `2026-${local}:00+08:00`;

const right = <A>(result: E.Either<unknown, A>): A => {
  if (E.isLeft(result)) expect.fail(JSON.stringify(result.left));
  return (result as E.Right<A>).right;
};

const normalize = (code: string) =>
  code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');

describe('createReadModels', () => {
  it('runs the query snippet of docs/kpis.md', async () => {
    const d = testDepartment();
    const store = d.store;
    await d.order.receive('RO-1', at('03-02T09:00'));
    await d.order.confirm('RO-1', at('03-02T10:00'));
    await d.order.schedule('RO-1', at('03-02T11:00'), at('03-06T18:00'));
    await d.order.receive('RO-2', at('03-03T09:00'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    // snippet:start
    const readModels = createReadModels({ store });
    await readModels.catchUp(); // or start() to follow live events, and stop() at the end
    const [timelyReceipt] = right(readModels.kpis({ period: '2026-03', asOf: '2026-04-01T00:00:00+08:00', kpis: ['timelyReceipt'] }));
    const item = right(readModels.explain('timelyReceipt', 'RO-1', { asOf: '2026-04-01T00:00:00+08:00' }));
    console.log(timelyReceipt?.rate, timelyReceipt?.missed, item?.verdict, item?.reason.en);
    // snippet:end
    expect(log).toHaveBeenCalledWith(0.5, ['RO-2'], 'hit', 'confirmed and scheduled by the deadline');
    log.mockRestore();

    const source = readFileSync(new URL(import.meta.url), 'utf8');
    const inTest = source.slice(source.indexOf('// snippet:start\n') + '// snippet:start\n'.length, source.indexOf('    // snippet:end'));
    const doc = readFileSync(new URL('../../../docs/kpis.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Querying'));
    const start = section.indexOf('```ts\n') + '```ts\n'.length;
    expect(normalize(section.slice(start, section.indexOf('```', start)))).toBe(normalize(inTest));
  });

  it('follows live events, answers as of its clock, and stops', async () => {
    const d = testDepartment();
    const readModels = createReadModels({ store: d.store, clock: () => new Date(at('03-02T12:00')), flushAfterMs: 1 });
    right(await readModels.start());
    await d.order.receive('RO-1', at('03-02T09:00'));
    await d.order.confirm('RO-1', at('03-02T10:00'));
    await vi.waitFor(() => expect(readModels.audit({ aggregateId: 'RO-1' })).toHaveLength(2), { timeout: 10_000 });
    await vi.waitFor(() => expect(readModels.kpiFacts.position()).toBe(2n), { timeout: 10_000 });
    const [timelyReceipt] = right(readModels.kpis({ period: '2026-03', kpis: ['timelyReceipt'] }));
    expect(timelyReceipt).toMatchObject({ asOf: '2026-03-02T04:00:00.000Z', denominator: 0, pending: ['RO-1'] });
    expect(right(readModels.kpiItems('timelyReceipt', { period: '2026-03' }))).toMatchObject([{ itemId: 'RO-1', verdict: 'pending' }]);
    right(await readModels.stop());
    await d.order.schedule('RO-1', at('03-02T11:00'), at('03-06T18:00'));
    expect(readModels.audit({ aggregateId: 'RO-1' })).toHaveLength(2);
  });

  it('resumes from a shared projection store, and stops a second writer of the same read models', async () => {
    const d = testDepartment();
    const projectionStore = new InMemoryProjectionStore();
    await d.order.receive('RO-1', at('03-02T09:00'));
    const first = createReadModels({ store: d.store, projectionStore });
    right(await first.catchUp());
    const second = createReadModels({ store: d.store, projectionStore });
    right(await second.catchUp());
    expect(second.kpiFacts.position()).toBe(1n);
    await d.order.confirm('RO-1', at('03-02T10:00'));
    right(await second.catchUp());
    expect(await first.catchUp()).toMatchObject(E.left({ code: 'SecondWriter' }));
  });

  it('reads encrypted orders through the event pipeline, and erasing a customer changes no KPI', async () => {
    const raw = new InMemoryEventStore();
    const keyStore = new InMemoryKeyStore();
    const store = withEventPipeline(raw, {
      upcasting: departmentUpcasting,
      transform: createPersonalDataTransform(keyStore, departmentPersonalData),
      schema: departmentEventSchema,
    });
    const department = createDepartment({ store });
    const send = async (type: string, data: object, commandId: string, actor: object, when: string) =>
      right(await department.handleUntrusted({ type, data, metadata: { commandId, actor, at: when } }));
    const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' };
    const manager = { id: 'DM-01', role: 'DepartmentManager' };
    await send('ReceiveRepairOrder', { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'coat', workItems: ['hemming'], requirements: '' }, 'c-1', endpoint, at('03-02T09:00'));
    await send('ConfirmReceipt', { orderId: 'RO-1' }, 'c-2', manager, at('03-02T10:00'));
    await send('ScheduleRepair', { orderId: 'RO-1', promisedBy: at('03-06T18:00'), specialistId: 'SP-01' }, 'c-3', manager, at('03-02T11:00'));
    const query = { period: '2026-03', asOf: at('04-01T00:00'), kpis: ['timelyReceipt' as const] };

    const before = createReadModels({ store });
    right(await before.catchUp());
    expect(right(before.kpis(query))).toMatchObject([{ numerator: 1, denominator: 1 }]);

    const secret = right(await keyStore.pseudonymSecret());
    right(await keyStore.eraseSubject(subjectPseudonym(secret, customerIdentifier('13800000000')), '2026-04-02T00:00:00Z'));
    const after = createReadModels({ store });
    right(await after.catchUp());
    expect(right(after.kpis(query))).toEqual(right(before.kpis(query)));
    expect(after.audit()).toEqual(before.audit());
    expect(after.kpiFacts.state().undecodable).toEqual([]);

    // Over the raw store the customer is ciphertext: the order does not decode and is listed, not guessed at.
    const overRaw = createReadModels({ store: raw });
    right(await overRaw.catchUp());
    expect(overRaw.kpiFacts.state().undecodable.map((entry) => entry.evidence.type)).toEqual(['RepairOrderReceived']);
  });
});
