import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUpcasting } from './upcasting.js';

const at = { streamId: 'Order-1', revision: 4 };

describe('upcasting', () => {
  const upcasting = createUpcasting([
    { eventType: 'Received', fromVersion: 1, upcast: (data) => ({ ...(data as object), items: [(data as { item: string }).item] }) },
    { eventType: 'Received', fromVersion: 2, upcast: (data) => ({ ...(data as object), channel: 'store' }) },
  ]);

  it('writes new events at one past the newest upcaster, and others at 1', () => {
    expect(upcasting.currentVersion('Received')).toBe(3);
    expect(upcasting.currentVersion('Confirmed')).toBe(1);
  });

  it('chains every step from the stored version', () => {
    expect(upcasting.upcast(at, 'Received', 1, { item: 'hemming' })).toEqual(E.right({ item: 'hemming', items: ['hemming'], channel: 'store' }));
    expect(upcasting.upcast(at, 'Received', 3, { items: [] })).toEqual(E.right({ items: [] }));
  });

  it('names stream, revision and version of an event from an unknown future version', () => {
    const result = upcasting.upcast(at, 'Received', 4, {});
    expect(result).toEqual(
      E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'Order-1', revision: 4, message: expect.stringContaining('schema version 4') })),
    );
  });

  it('refuses a registry with a missing step', () => {
    expect(() => createUpcasting([{ eventType: 'Received', fromVersion: 2, upcast: (data) => data }])).toThrow(/miss the step from v1/);
  });

  it('property: the chain is total: every version up to the current one upcasts', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), (steps, stored) => {
        const registry = createUpcasting(
          Array.from({ length: steps }, (_, index) => ({ eventType: 'T', fromVersion: index + 1, upcast: (data: unknown) => ({ v: (data as { v: number }).v + 1 }) })),
        );
        const result = registry.upcast(at, 'T', stored, { v: stored });
        if (stored <= steps + 1) expect(result).toEqual(E.right({ v: steps + 1 }));
        else expect(E.isLeft(result)).toBe(true);
      }),
    );
  });
});
