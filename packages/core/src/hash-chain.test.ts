import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, computeEventHash, sealEvents, verifyStreamChain } from './hash-chain.js';
import type { SealedEvent } from './hash-chain.js';
import { testEvent } from './testing/test-events.js';

const chain = (count: number): SealedEvent[] =>
  sealEvents('Order-1', 0, GENESIS_HASH, Array.from({ length: count }, (_, index) => testEvent('Happened', { index })), '2026-03-02T01:00:00.000Z');

describe('canonical JSON', () => {
  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });

  it('parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('hash chain', () => {
  it('gives an event the same hash with or without the trace context it was appended in', () => {
    const plain = testEvent('Happened', { index: 0 });
    const traced = { ...plain, metadata: { ...plain.metadata, trace: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } } };
    const [withoutTrace] = sealEvents('Order-1', 0, GENESIS_HASH, [plain], '2026-03-02T01:00:00.000Z');
    const [withTrace] = sealEvents('Order-1', 0, GENESIS_HASH, [traced], '2026-03-02T01:00:00.000Z');
    expect(withTrace!.metadata.trace).toEqual(traced.metadata.trace);
    expect(withTrace!.metadata.hash).toBe(withoutTrace!.metadata.hash);
    expect(verifyStreamChain([{ ...withTrace!, metadata: { ...withTrace!.metadata, trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } } }])).toEqual([]);
  });

  it('hashes the canonical JSON of the event without its hash, trace context and global position, whatever its data and metadata', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), fc.string(), (data, extra, type) => {
        const [event] = sealEvents('Order-1', 0, GENESIS_HASH, [{ ...testEvent(type, data), metadata: { ...testEvent(type, data).metadata, ...extra } }], '2026-03-02T01:00:00.000Z');
        const { hash, trace: _trace, ...metadata } = event!.metadata;
        const content = { streamId: event!.streamId, revision: event!.revision, eventId: event!.eventId, type: event!.type, data: event!.data, metadata };
        expect(hash).toBe(createHash('sha256').update(canonicalJson(content)).digest('hex'));
        expect(computeEventHash({ ...event!, globalPosition: 7n } as SealedEvent)).toBe(hash);
      }),
    );
  });

  it('links each event to the one before, from the genesis hash', () => {
    const events = chain(3);
    expect(events[0]!.metadata.prevHash).toBe(GENESIS_HASH);
    expect(events[1]!.metadata.prevHash).toBe(events[0]!.metadata.hash);
    expect(events[2]!.metadata.prevHash).toBe(events[1]!.metadata.hash);
    expect(verifyStreamChain(events)).toEqual([]);
  });

  it('finds an edited field', () => {
    const events = chain(3);
    const edited = events.map((event, index) => (index === 1 ? { ...event, data: { index: 99 } } : event));
    expect(verifyStreamChain(edited)).toEqual([expect.objectContaining({ kind: 'BrokenHash', revision: 1 })]);
  });

  it('finds a forged hash through the next link', () => {
    const events = chain(3);
    const forged = { ...events[1]!, data: { index: 99 } };
    const reHashed = { ...forged, metadata: { ...forged.metadata, hash: computeEventHash(forged) } };
    expect(verifyStreamChain([events[0]!, reHashed, events[2]!])).toEqual([expect.objectContaining({ kind: 'BrokenLink', revision: 2 })]);
  });

  it('finds a deleted event and two swapped events', () => {
    const events = chain(4);
    expect(verifyStreamChain([events[0]!, events[2]!, events[3]!])).toEqual([
      expect.objectContaining({ kind: 'Gap', revision: 2, expected: 1 }),
      expect.objectContaining({ kind: 'BrokenLink', revision: 2 }),
    ]);
    const swapped = verifyStreamChain([events[0]!, events[2]!, events[1]!, events[3]!]);
    expect(swapped[0]).toMatchObject({ kind: 'Gap', revision: 2, expected: 1 });
    expect(swapped.length).toBeGreaterThan(1);
  });

  it('covers the metadata: a changed actor breaks the hash', () => {
    const events = chain(1);
    const changed = { ...events[0]!, metadata: { ...events[0]!.metadata, actor: { id: 'someone-else', role: 'Tester' } } };
    expect(verifyStreamChain([changed])).toEqual([expect.objectContaining({ kind: 'BrokenHash', revision: 0 })]);
  });
});
