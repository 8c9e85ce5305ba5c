import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CommandIdFilter } from './command-id-filter.js';
import { CommandIdFilterData, emptyCommandIdFilter, mayHoldCommandId, withCommandIds } from './command-id-filter.js';

/** The filter with the ids added, which a filter this module wrote always takes. */
const filled = (filter: CommandIdFilter, commandIds: Iterable<string>): CommandIdFilter => {
  const added = withCommandIds(filter, commandIds);
  if (added === undefined) throw new Error('a filter written here was taken for a damaged one');
  return added;
};

describe('the filter of a stream’s command ids', () => {
  it('holds every id added, also read back from a snapshot', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: 'grapheme', maxLength: 40 }), { maxLength: 300 }), fc.nat({ max: 1500 }), (commandIds, sizedFor) => {
        const filter = filled(emptyCommandIdFilter(sizedFor), commandIds);
        const readBack = CommandIdFilterData.parse(JSON.parse(JSON.stringify(filter)));
        expect(commandIds.filter((commandId) => !mayHoldCommandId(filter, commandId) || !mayHoldCommandId(readBack, commandId))).toEqual([]);
        expect(filter.count).toBe(commandIds.length);
      }),
    );
  });

  it('takes few other ids for held ones while it holds no more than it is sized for', () => {
    const filter = emptyCommandIdFilter(600);
    const full = filled(filter, Array.from({ length: filter.capacity }, (_, index) => `held-${index}`));
    const others = Array.from({ length: 10_000 }, (_, index) => `other-${index}`);
    expect(others.filter((commandId) => mayHoldCommandId(full, commandId)).length).toBeLessThan(others.length / 100);
  });

  it('sets the bits its documented layout names, so that another implementation reads the same filter', () => {
    const filter = filled(emptyCommandIdFilter(0), ['cmd-1']);
    const bytes = Buffer.from(filter.bits, 'base64');
    const size = bytes.length * 8;
    const set = Array.from({ length: size }, (_, position) => position).filter((position) => (bytes[position >>> 3]! & (1 << (position & 7))) !== 0);
    const digest = createHash('sha256').update('cmd-1', 'utf8').digest();
    const [a, b] = [digest.readUInt32BE(0), digest.readUInt32BE(4) + (digest.readUInt32BE(4) % 2 === 0 ? 1 : 0)];
    const named = new Set(Array.from({ length: filter.hashes }, (_, index) => (a + index * b) % size));
    expect(set).toEqual([...named].sort((x, y) => x - y));
  });

  it('is sized for twice the ids it starts with, in powers of two, and refuses bits that are not whole base64 groups', () => {
    expect(emptyCommandIdFilter(0).capacity).toBe(1024);
    expect(emptyCommandIdFilter(600).capacity).toBe(2048);
    const data = emptyCommandIdFilter(0);
    expect(CommandIdFilterData.safeParse({ ...data, bits: 'not base64!' }).success).toBe(false);
    expect(CommandIdFilterData.safeParse({ ...data, bits: '' }).success).toBe(false);
  });

  it('takes every id for a held one where its bits are damaged, and is not written again: a damaged filter never answers new for a stored command', () => {
    const filter = filled(emptyCommandIdFilter(0), ['cmd-1']);
    const damaged = { ...filter, bits: '*'.repeat(filter.bits.length) };
    expect(CommandIdFilterData.safeParse(damaged).success).toBe(true);
    expect(['cmd-1', 'cmd-2', 'anything'].every((commandId) => mayHoldCommandId(damaged, commandId))).toBe(true);
    expect(withCommandIds(damaged, ['cmd-2'])).toBeUndefined();
    expect(withCommandIds({ ...filter, bits: `${filter.bits.slice(0, -4)}-_-_` }, ['cmd-2'])).toBeUndefined();
  });
});
