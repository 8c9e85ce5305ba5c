import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandIdFilterData, emptyCommandIdFilter, encodeCommandIdFilter, mayHoldCommandId, withCommandIds } from './command-id-filter.js';

describe('the filter of a stream’s command ids', () => {
  it('holds every id added, also read back from a snapshot, and leaves the filter it was given as it was', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 300 }), fc.nat({ max: 1500 }), (commandIds, sizedFor) => {
        const empty = emptyCommandIdFilter(sizedFor);
        const filter = withCommandIds(empty, commandIds);
        const readBack = CommandIdFilterData.parse(JSON.parse(JSON.stringify(encodeCommandIdFilter(filter))));
        expect(commandIds.filter((commandId) => !mayHoldCommandId(filter, commandId) || !mayHoldCommandId(readBack, commandId))).toEqual([]);
        expect(readBack).toEqual(filter);
        expect(empty.bits.every((byte) => byte === 0)).toBe(true);
      }),
    );
  });

  it('takes few other ids for held ones while it holds no more than it is sized for', () => {
    const filter = emptyCommandIdFilter(600);
    const full = withCommandIds(filter, Array.from({ length: filter.capacity }, (_, index) => `held-${index}`));
    const others = Array.from({ length: 10_000 }, (_, index) => `other-${index}`);
    expect(others.filter((commandId) => mayHoldCommandId(full, commandId)).length).toBeLessThan(others.length / 100);
  });

  it('is sized for twice the ids it starts with, in powers of two, and refuses bits that are not base64', () => {
    expect(emptyCommandIdFilter(0).capacity).toBe(1024);
    expect(emptyCommandIdFilter(600).capacity).toBe(2048);
    const data = encodeCommandIdFilter(emptyCommandIdFilter(0));
    expect(CommandIdFilterData.safeParse({ ...data, bits: 'not base64!' }).success).toBe(false);
    expect(CommandIdFilterData.safeParse({ ...data, bits: '' }).success).toBe(false);
  });
});
