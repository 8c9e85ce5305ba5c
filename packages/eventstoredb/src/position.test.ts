import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromGlobalPosition, toGlobalPosition } from './position.js';

const uint64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
const position = fc.record({ commit: uint64, prepare: uint64 });

describe('global positions', () => {
  it('decode back to the same commit and prepare positions', () => {
    fc.assert(fc.property(position, (pair) => {
        expect(fromGlobalPosition(toGlobalPosition(pair))).toEqual(pair);
      }));
  });

  it('order like $all: by commit position, then by prepare position', () => {
    fc.assert(
      fc.property(position, position, (left, right) => {
        const byLog = left.commit !== right.commit ? left.commit < right.commit : left.prepare < right.prepare;
        expect(toGlobalPosition(left) < toGlobalPosition(right)).toBe(byLog);
      }),
    );
  });
});
