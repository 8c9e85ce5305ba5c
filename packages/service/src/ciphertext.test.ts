import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from '@aftersales/core';
import { InMemoryEventStore, InMemoryKeyStore } from '@aftersales/core';
import { createDepartment, departmentEventPipeline } from '@aftersales/domain';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_SCAN, holdsCiphertext } from './ciphertext.js';
import { memorySettings } from './log.js';

const receive = (orderId: string) => ({
  type: 'ReceiveRepairOrder',
  data: { orderId, endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
  metadata: { commandId: `receive-${orderId}`, actor: { id: 'EP-01', role: 'BusinessEndpoint' }, at: '2026-03-02T09:00:00+08:00' },
});

/** The log as stored, counting the events each scan reads from it. */
const countingLog = () => {
  const raw = new InMemoryEventStore();
  const reads = { events: 0 };
  const counted = new Proxy(raw, {
    get(target, property) {
      if (property === 'readAll') {
        return async function* (options?: ReadAllOptions): AsyncGenerator<RecordedEvent> {
          for await (const event of target.readAll(options)) {
            reads.events += 1;
            yield event;
          }
        };
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as EventStore;
  const readsOf = async (work: () => Promise<boolean>) => {
    reads.events = 0;
    const answer = await work();
    return { answer, events: reads.events };
  };
  return { raw, counted, readsOf };
};

/** Sends commands as a program without keys would: personal data stored as given, not encrypted. */
const sendPlain = async (store: EventStore, ...orderIds: string[]) => {
  const department = createDepartment({ store });
  for (const orderId of orderIds) expect(E.isRight(await department.handleUntrusted(receive(orderId)))).toBe(true);
};

describe('whether a log holds encrypted personal data', () => {
  it('scans a log once, then reads only what was appended since', async () => {
    const { raw, counted, readsOf } = countingLog();
    const settings = memorySettings();
    await sendPlain(raw, 'RO-1', 'RO-2', 'RO-3');
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: false, events: 3 });
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: false, events: 0 });
    await sendPlain(raw, 'RO-4');
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: false, events: 1 });
  });

  it('finds ciphertext appended after the mark, and then answers from the mark alone', async () => {
    const { raw, counted, readsOf } = countingLog();
    const settings = memorySettings();
    await sendPlain(raw, 'RO-1');
    expect((await readsOf(() => holdsCiphertext(counted, settings))).answer).toBe(false);
    await sendPlain(departmentEventPipeline(raw, new InMemoryKeyStore()), 'RO-2');
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: true, events: 1 });
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: true, events: 0 });
  });

  it('scans the whole log again when its mark does not decode', async () => {
    const { raw, counted, readsOf } = countingLog();
    const settings = memorySettings();
    await sendPlain(raw, 'RO-1', 'RO-2');
    await settings.set(PERSONAL_DATA_SCAN, '{"ciphertext": false, "through": "not a position"}');
    expect(await readsOf(() => holdsCiphertext(counted, settings))).toEqual({ answer: false, events: 2 });
  });
});
