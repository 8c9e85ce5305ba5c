import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCommandHandler } from './command-handling/index.js';
import { collect } from './event-store.js';
import { withEventPipeline } from './event-pipeline.js';
import { deterministicEventId } from './event-ids.js';
import { InMemoryEventStore } from './in-memory-store.js';
import type { EventToAppend, RecordedEvent } from './messages.js';
import type { PersonalDataPolicy } from './personal-data.js';
import { ERASED, EncryptedField, InMemoryKeyStore, KEY_UNAVAILABLE, createPersonalDataTransform, decryptField, encryptField, subjectPseudonym } from './personal-data.js';
import { computeEventHash } from './hash-chain.js';
import { verifyLog } from './verification/index.js';
import { describeKeyStoreContract } from './testing/key-store-contract.js';

const policy: PersonalDataPolicy = {
  rules: [
    {
      eventType: 'Registered',
      fields: ['person.name', 'person.phone'],
      subject: (data) => {
        const phone = (data as { person?: { phone?: unknown } }).person?.phone;
        return typeof phone === 'string' ? `phone:${phone}` : undefined;
      },
    },
  ],
};

const registered = (n: number, name: string, phone: string): EventToAppend => ({
  eventId: deterministicEventId(`Ticket-${n}`, `c-${n}`, 0),
  type: 'Registered',
  data: { ticketId: `${n}`, person: { name, phone }, item: 'coat' },
  metadata: { commandId: `c-${n}`, correlationId: `c-${n}`, causationId: `c-${n}`, actor: { id: 'a', role: 'Clerk' }, occurredAt: '2026-03-01T09:00:00Z', schemaVersion: 1 },
});

const setup = async () => {
  const raw = new InMemoryEventStore();
  const keyStore = new InMemoryKeyStore();
  const transform = createPersonalDataTransform(keyStore, policy);
  const store = withEventPipeline(raw, { transform });
  for (const [n, name, phone] of [[1, '王芳', '13800000000'], [2, '李雷', '13900000000'], [3, '王芳', '13800000000']] as const) {
    const appended = await store.appendToStream(`Ticket-${n}`, [registered(n, name, phone)], { expectedRevision: 'noStream' });
    if (E.isLeft(appended)) throw new Error(appended.left.message);
  }
  return { raw, store, keyStore };
};

const all = async (store: { readAll(): AsyncIterable<RecordedEvent> }) => {
  const read = await collect(store.readAll());
  if (E.isLeft(read)) throw new Error(read.left.message);
  return read.right;
};

describe('crypto-shredding of personal data', () => {
  it('stores only ciphertext, hashed as stored, and reads back the plaintext', async () => {
    const { raw, store } = await setup();
    const stored = await all(raw);
    const text = JSON.stringify(stored.map((event) => event.data));
    expect(text).not.toContain('王芳');
    expect(text).not.toContain('13800000000');
    for (const event of stored) {
      const person = (event.data as { person: { name: unknown; phone: unknown } }).person;
      expect(EncryptedField.safeParse(person.name).success && EncryptedField.safeParse(person.phone).success).toBe(true);
      expect(computeEventHash(event)).toBe(event.metadata.hash);
    }
    expect((await all(store)).map((event) => event.data)).toEqual([
      { ticketId: '1', person: { name: '王芳', phone: '13800000000' }, item: 'coat' },
      { ticketId: '2', person: { name: '李雷', phone: '13900000000' }, item: 'coat' },
      { ticketId: '3', person: { name: '王芳', phone: '13800000000' }, item: 'coat' },
    ]);
  });

  it('uses one key per customer and a fresh IV for every field', async () => {
    const { raw } = await setup();
    const fields = (await all(raw)).map((event) => (event.data as { person: { name: EncryptedField; phone: EncryptedField } }).person);
    expect(fields[0]!.name.encrypted.keyId).toBe(fields[2]!.name.encrypted.keyId);
    expect(fields[0]!.name.encrypted.keyId).not.toBe(fields[1]!.name.encrypted.keyId);
    const ivs = fields.flatMap((person) => [person.name.encrypted.iv, person.phone.encrypted.iv]);
    expect(new Set(ivs).size).toBe(ivs.length);
  });

  it('after erasure reads the customer as erased everywhere, others unchanged, and the log still verifies', async () => {
    const { raw, store, keyStore } = await setup();
    const secret = await keyStore.pseudonymSecret();
    if (E.isLeft(secret)) throw new Error('no secret');
    const erased = await keyStore.eraseSubject(subjectPseudonym(secret.right, 'phone:13800000000'), '2026-04-01T00:00:00Z');
    expect(E.isRight(erased) && erased.right.length).toBe(1);
    expect((await all(store)).map((event) => (event.data as { person: unknown }).person)).toEqual([
      { name: ERASED, phone: ERASED },
      { name: '李雷', phone: '13900000000' },
      { name: ERASED, phone: ERASED },
    ]);
    const verified = await verifyLog(raw);
    expect(E.isRight(verified) && verified.right.intact).toBe(true);
  });

  it('gives a returning customer a new key after an erasure, leaving the old orders erased', async () => {
    const { store, keyStore } = await setup();
    const secret = await keyStore.pseudonymSecret();
    if (E.isLeft(secret)) throw new Error('no secret');
    await keyStore.eraseSubject(subjectPseudonym(secret.right, 'phone:13800000000'), '2026-04-01T00:00:00Z');
    await store.appendToStream('Ticket-4', [registered(4, '王芳', '13800000000')], { expectedRevision: 'noStream' });
    expect((await all(store)).map((event) => (event.data as { person: { name: string } }).person.name)).toEqual([ERASED, '李雷', ERASED, '王芳']);
  });

  it('marks fields whose key the key store never held', async () => {
    const { raw } = await setup();
    const stranger = withEventPipeline(raw, { transform: createPersonalDataTransform(new InMemoryKeyStore(), policy) });
    expect((await all(stranger)).map((event) => (event.data as { person: { name: string } }).person.name)).toEqual([KEY_UNAVAILABLE, KEY_UNAVAILABLE, KEY_UNAVAILABLE]);
  });

  it('refuses ciphertext moved from one event to another, even with the right key', async () => {
    const raw = new InMemoryEventStore();
    const keyStore = new InMemoryKeyStore();
    const transform = createPersonalDataTransform(keyStore, policy);
    const first = await transform.encode('Ticket-1', registered(1, '王芳', '13800000000'));
    const second = await transform.encode('Ticket-3', registered(3, '王芳', '13800000000'));
    const moved = { ...second, data: { ...(second.data as object), person: (first.data as { person: unknown }).person } };
    await raw.appendToStream('Ticket-3', [moved], { expectedRevision: 'noStream' });
    const read = await collect(withEventPipeline(raw, { transform }).readAll());
    expect(read).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'Ticket-3', revision: 0 })));
  });

  it('encrypts what command handling appends through the event pipeline', async () => {
    const raw = new InMemoryEventStore();
    const transform = createPersonalDataTransform(new InMemoryKeyStore(), policy);
    const handler = createCommandHandler({ store: withEventPipeline(raw, { transform }) });
    const definition = {
      name: 'Ticket',
      commandSchema: { safeParse: (raw: unknown) => ({ success: true as const, data: raw }) },
      eventSchema: { safeParse: (raw: unknown) => ({ success: true as const, data: raw }) },
      commandTypes: ['Register'],
      streamId: () => 'Ticket-9',
      authorize: () => E.right(undefined),
      decider: {
        initialState: undefined,
        decide: (command: { data: unknown }) => E.right([{ type: 'Registered', data: command.data }]),
        evolve: (state: unknown) => state,
      },
    };
    const accepted = await handler.handle(definition as never, {
      type: 'Register',
      data: { ticketId: '9', person: { name: '王芳', phone: '13800000000' } },
      metadata: { commandId: 'c-9', actor: { id: 'a', role: 'Clerk' }, at: '2026-03-01T09:00:00Z' },
    });
    expect(E.isRight(accepted)).toBe(true);
    expect(JSON.stringify((await all(raw)).map((event) => event.data))).not.toContain('王芳');
  });
});

describe('a key store that cannot be reached', () => {
  it('makes appends and reads fail as values naming the store, never throws from command handling', async () => {
    const raw = new InMemoryEventStore();
    const down: InMemoryKeyStore = Object.assign(new InMemoryKeyStore(), {
      activeKey: async () => E.left({ code: 'KeyStoreUnavailable' as const, message: 'key store offline' }),
    });
    const store = withEventPipeline(raw, { transform: createPersonalDataTransform(down, policy) });
    const appended = await store.appendToStream('Ticket-1', [registered(1, '王芳', '13800000000')], { expectedRevision: 'noStream' });
    expect(appended).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable', message: 'key store offline' })));
    expect(await collect(raw.readAll())).toEqual(E.right([]));
  });
});

describeKeyStoreContract('InMemoryKeyStore', async () => ({ keyStore: new InMemoryKeyStore(), cleanup: () => undefined }));

describe('field encryption', () => {
  it('gives back any value it encrypted, only in the place it was encrypted for', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.string(), (value, streamId, field) => {
        const key = Buffer.alloc(32, 3);
        const aad = Buffer.from(`${streamId}\u0000e\u0000${field}`);
        const encrypted = encryptField(key, 'k-1', aad, value);
        expect(decryptField(key, aad, encrypted)).toEqual(E.right(JSON.parse(JSON.stringify(value))));
        expect(E.isLeft(decryptField(key, Buffer.concat([aad, Buffer.from('x')]), encrypted))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
