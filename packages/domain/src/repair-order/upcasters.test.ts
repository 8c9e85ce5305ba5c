import type { RecordedEvent } from '@aftersales/core';
import { InMemoryEventStore, createCommandHandler, createUpcasting } from '@aftersales/core';
import { decodeRecordedEvent, verifyStreamChain } from '@aftersales/core/adapter-kit';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { repairOrderCommand, storedRepairOrderReceivedV1 } from '../testing/repair-order.js';
import { WorkItem, repairOrder, repairOrderReceivedV1, repairOrderUpcasters } from './index.js';

const storedV1: RecordedEvent = storedRepairOrderReceivedV1();

const upcasting = createUpcasting(repairOrderUpcasters);

describe('RepairOrderReceived upcasting', () => {
  it('writes new RepairOrderReceived events at schema version 2', () => {
    expect(upcasting.currentVersion('RepairOrderReceived')).toBe(2);
    expect(upcasting.currentVersion('ReceiptConfirmed')).toBe(1);
  });

  it('holds a genuine first-version record: its hash seals it as stored', () => {
    expect(storedV1.metadata.schemaVersion).toBe(1);
    expect(verifyStreamChain([storedV1])).toEqual([]);
  });

  it('reads a stored first-version event as the current shape, its one work item in a list', async () => {
    const decoded = decodeRecordedEvent(repairOrder, upcasting, storedV1);
    expect(decoded).toEqual(
      E.right({
        type: 'RepairOrderReceived',
        data: {
          orderId: 'RO-2025-0117',
          endpointId: 'EP-03',
          customer: { name: '陈静', phone: '13912345678' },
          garment: 'silk qipao',
          workItems: ['waistAlteration'],
          requirements: 'take in the waist 1.5cm',
        },
      }),
    );
  });

  it('reports a first-version event without a work item as corrupted instead of guessing', async () => {
    const { workItem: _workItem, ...broken } = z.record(z.string(), z.unknown()).parse(storedV1.data);
    const decoded = decodeRecordedEvent(repairOrder, upcasting, { ...storedV1, data: broken });
    expect(decoded).toMatchObject({ _tag: 'Left', left: { code: 'CorruptedEvent', streamId: storedV1.streamId } });
  });

  it('brings every well-formed first-version event to a decodable current one', () => {
    const v1 = fc.record({
      orderId: fc.stringMatching(/^RO-[0-9]{1,6}$/),
      endpointId: fc.constantFrom('EP-01', 'EP-02'),
      customer: fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), phone: fc.stringMatching(/^1[0-9]{10}$/) }),
      garment: fc.string({ maxLength: 50 }),
      workItem: fc.constantFrom(...WorkItem.options),
      requirements: fc.string({ maxLength: 100 }),
    });
    fc.assert(
      fc.property(v1, (data) => {
        const decoded = repairOrder.eventSchema.safeParse({ type: 'RepairOrderReceived', data: repairOrderReceivedV1.upcast(data) });
        expect(decoded.success && decoded.data.type === 'RepairOrderReceived' && decoded.data.data.workItems).toEqual([data.workItem]);
      }),
    );
  });

  it('lets command handling carry on an order recorded at the first version', async () => {
    const store = new InMemoryEventStore();
    const { eventId, type, data, metadata } = storedV1;
    await store.appendToStream(storedV1.streamId, [{ eventId, type, data, metadata }], { expectedRevision: 'noStream' });
    const handler = createCommandHandler({ store, upcasting });

    const confirmed = await handler.handle(
      repairOrder,
      repairOrderCommand('ConfirmReceipt', { orderId: 'RO-2025-0117' }, undefined, { at: '2025-11-03T11:00:00+08:00' }),
    );
    expect(confirmed).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'ReceiptConfirmed', revision: 1 }] } });

    const received = await handler.handle(repairOrder, repairOrderCommand('ReceiveRepairOrder', { orderId: 'RO-2' }));
    expect(received).toMatchObject({ _tag: 'Right', right: { events: [{ type: 'RepairOrderReceived', metadata: { schemaVersion: 2 } }] } });
  });
});
