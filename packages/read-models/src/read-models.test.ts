import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import {
  InMemoryEventStore,
  InMemoryKeyStore,
  collect,
  createPersonalDataTransform,
  subjectPseudonym,
  withEventPipeline,
} from '@aftersales/core';
import { createDepartment, customerIdentifier, departmentEventPipeline, departmentEventSchema, departmentPersonalData, departmentUpcasting } from '@aftersales/domain';
import { describe, expect, it, vi } from 'vitest';
import { InMemoryReadModelBackend } from './memory-backend.js';
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
    const answer = await readModels.kpis({ period: '2026-03', asOf: '2026-04-01T00:00:00+08:00', kpis: ['timelyReceipt'] });
    const item = await readModels.explain('timelyReceipt', 'RO-1', { asOf: '2026-04-01T00:00:00+08:00' });
    if (E.isRight(answer) && E.isRight(item)) {
      const [timelyReceipt] = answer.right.results;
      console.log(timelyReceipt?.rate, timelyReceipt?.missed, item.right?.verdict, item.right?.reason.en);
    }
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

  it('finds every employee of a period, however long ago they joined, for staff turnover', async () => {
    const d = testDepartment();
    await d.staff.join('SP-01', '2024-05-06T09:00:00+08:00');
    await d.staff.join('SP-02', '2025-11-03T09:00:00+08:00');
    await d.staff.leave('SP-02', at('06-12T18:00'), 'resigned');
    await d.staff.join('SP-03', at('07-01T09:00'));
    const readModels = createReadModels({ store: d.store, backend: new InMemoryReadModelBackend() });
    right(await readModels.catchUp());
    const [june] = right(await readModels.kpis({ period: '2026-06', asOf: at('12-31T00:00'), kpis: ['staffTurnover'] })).results;
    expect(june).toMatchObject({ numerator: 1, denominator: 2, missed: ['SP-02#0'], met: false, target: { direction: 'atMost', rate: 0.03 } });
    const items = right(await readModels.kpiItems('staffTurnover', { period: '2026-Q3', asOf: at('12-31T00:00') })).items;
    expect(items.map((item) => [item.itemId, item.verdict])).toEqual([
      ['SP-01#0', 'hit'],
      ['SP-03#0', 'hit'],
    ]);
  });

  it('follows live events, answers as of its clock, waits for a position it is asked to reach, and stops', async () => {
    const d = testDepartment();
    const readModels = createReadModels({ store: d.store, clock: () => new Date(at('03-02T12:00')) });
    right(await readModels.start());
    await d.order.receive('RO-1', at('03-02T09:00'));
    const confirmed = await d.order.confirm('RO-1', at('03-02T10:00'));
    right(await readModels.waitFor(confirmed.events.at(-1)!.globalPosition, { timeoutMs: 10_000 }));
    expect(right(await readModels.audit({ aggregateId: 'RO-1' })).entries).toHaveLength(2);
    const answer = right(await readModels.kpis({ period: '2026-03', kpis: ['timelyReceipt'] }));
    expect(answer.position).toBe(2n);
    expect(answer.results[0]).toMatchObject({ asOf: '2026-03-02T04:00:00.000Z', denominator: 0, pending: ['RO-1'], pendingCount: 1 });
    expect(right(await readModels.kpiItems('timelyReceipt', { period: '2026-03' })).items).toMatchObject([{ itemId: 'RO-1', verdict: 'pending' }]);
    right(await readModels.stop());
    await d.order.schedule('RO-1', at('03-02T11:00'), at('03-06T18:00'));
    expect(await readModels.waitFor(3n, { timeoutMs: 50 })).toMatchObject(E.left({ code: 'ReadModelTimeout' }));
  });

  it('lists missed ids as a bounded sample with a count, and pages through all of them', async () => {
    const d = testDepartment();
    for (let index = 1; index <= 30; index += 1) await d.order.receive(`RO-${String(index).padStart(2, '0')}`, at('03-02T09:00'));
    const readModels = createReadModels({ store: d.store });
    right(await readModels.catchUp());
    const [result] = right(await readModels.kpis({ period: '2026-03', asOf: at('04-01T00:00'), kpis: ['timelyReceipt'], sample: 5 })).results;
    expect(result).toMatchObject({ missedCount: 30, missed: ['RO-01', 'RO-02', 'RO-03', 'RO-04', 'RO-05'] });
    const first = right(await readModels.kpiItems('timelyReceipt', { period: '2026-03', asOf: at('04-01T00:00'), verdicts: ['miss'], limit: 25 }));
    expect(first.items).toHaveLength(25);
    const rest = right(await readModels.kpiItems('timelyReceipt', { period: '2026-03', asOf: at('04-01T00:00'), verdicts: ['miss'], limit: 25, cursor: first.next! }));
    expect(rest.items.map((item) => item.itemId)).toEqual(['RO-26', 'RO-27', 'RO-28', 'RO-29', 'RO-30']);
    expect(rest.next).toBeUndefined();
    expect(await readModels.kpiItems('timelyReceipt', { period: '2026-03', limit: 0 })).toMatchObject(E.left({ code: 'InvalidQuery' }));
    expect(await readModels.kpis({ period: '2026-13' })).toMatchObject(E.left({ code: 'InvalidQuery', message: 'period "2026-13" has no month 13' }));
    expect(await readModels.audit({ after: 'not a position' })).toMatchObject(E.left({ code: 'InvalidQuery' }));
  });

  it('rebuilds a read model whose stored version is not this library\'s', async () => {
    const d = testDepartment();
    await d.order.receive('RO-1', at('03-02T09:00'));
    const backend = new InMemoryReadModelBackend();
    right(await createReadModels({ store: d.store, backend }).catchUp());
    const stored = right(await backend.checkpoints()).get('kpi-facts')!;
    right(await backend.commit({ checkpoints: [{ expected: stored.position, next: { ...stored, version: 'kpi-facts/0' } }], subjects: [], undecodable: [], audit: [] }));
    const reopened = createReadModels({ store: d.store, backend });
    right(await reopened.catchUp());
    expect(right(await reopened.checkpoints()).get('kpi-facts')).toEqual(stored);
    expect(right(await reopened.kpis({ period: '2026-03', asOf: at('03-02T10:00'), kpis: ['timelyReceipt'] })).results[0]).toMatchObject({ pending: ['RO-1'] });
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
    expect(right(await before.kpis(query)).results).toMatchObject([{ numerator: 1, denominator: 1 }]);

    const secret = right(await keyStore.pseudonymSecret());
    right(await keyStore.eraseSubject(subjectPseudonym(secret, customerIdentifier('13800000000')), '2026-04-02T00:00:00Z'));
    const after = createReadModels({ store });
    right(await after.catchUp());
    expect(right(await after.kpis(query))).toEqual(right(await before.kpis(query)));
    expect(right(await after.audit())).toEqual(right(await before.audit()));
    expect(right(await after.kpis(query)).undecodable).toEqual({ count: 0, sample: [] });

    // Over the raw store the customer is ciphertext: the order does not decode and is listed, not guessed at.
    const overRaw = createReadModels({ store: raw });
    right(await overRaw.catchUp());
    expect(right(await overRaw.kpis(query)).undecodable.sample.map((entry) => entry.evidence.type)).toEqual(['RepairOrderReceived']);
  });

  it('goes on past an event that does not decrypt: every KPI answers, and the event is listed by stream and revision', async () => {
    const raw = new InMemoryEventStore();
    const keyStore = new InMemoryKeyStore();
    const department = createDepartment({ store: departmentEventPipeline(raw, keyStore) });
    const endpoint = { id: 'EP-01', role: 'BusinessEndpoint' } as const;
    for (const orderId of ['RO-1', 'RO-2']) {
      right(
        await department.handle({
          type: 'ReceiveRepairOrder',
          data: { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'coat', workItems: ['hemming'], requirements: '' },
          metadata: { commandId: `${orderId}/receive`, actor: endpoint, at: at('03-02T09:00') },
        }),
      );
    }
    // The same log with one ciphertext byte flipped in RO-2's order, as a damaged or tampered file would hold it.
    const damaged = new InMemoryEventStore();
    for (const event of right(await collect(raw.readAll()))) {
      const flipped = event.streamId === 'RepairOrder-RO-2' ? JSON.parse(JSON.stringify(event.data).replace(/"ciphertext":"(.)/, (_all, first: string) => `"ciphertext":"${first === 'A' ? 'B' : 'A'}`)) : event.data;
      right(await damaged.appendToStream(event.streamId, [{ eventId: event.eventId, type: event.type, data: flipped, metadata: event.metadata }], { expectedRevision: 'any' }));
    }
    const readModels = createReadModels({ store: departmentEventPipeline(damaged, keyStore) });
    right(await readModels.catchUp());
    const answer = right(await readModels.kpis({ period: '2026-03', asOf: at('03-02T12:00'), kpis: ['timelyReceipt'] }));
    expect(answer.results[0]).toMatchObject({ pending: ['RO-1'] });
    expect(answer.undecodable).toEqual({ count: 1, sample: [{ evidence: expect.objectContaining({ streamId: 'RepairOrder-RO-2', revision: 0 }), problem: expect.stringContaining('RepairOrder-RO-2@0') }] });
    const [entry] = right(await readModels.audit({ streamId: 'RepairOrder-RO-2' })).entries;
    expect(entry).toMatchObject({ decoded: false, summary: { en: expect.stringContaining('Undecodable RepairOrderReceived') } });
    // Command handling needs the order, so it refuses to decide on it, naming the event.
    const refused = await createDepartment({ store: departmentEventPipeline(damaged, keyStore) }).handleUntrusted({
      type: 'ConfirmReceipt',
      data: { orderId: 'RO-2' },
      metadata: { commandId: 'RO-2/confirm', actor: { id: 'DM-01', role: 'DepartmentManager' }, at: at('03-02T10:00') },
    });
    expect(refused).toMatchObject(E.left({ code: 'CorruptedEvent', message: expect.stringContaining('RepairOrder-RO-2@0') }));
  });
});
