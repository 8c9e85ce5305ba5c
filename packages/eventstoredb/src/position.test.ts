import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromGlobalPosition, logBytesBetween, toGlobalPosition } from './position.js';

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

  it('are apart by the bytes between their commit positions, whatever their prepare positions', () => {
    const at = (commit: bigint, prepare: bigint) => toGlobalPosition({ commit, prepare });
    expect(logBytesBetween(at(1_000n, 900n), at(1_250n, 1_250n))).toBe(250);
    expect(logBytesBetween(at(1_250n, 1_100n), at(1_250n, 1_200n))).toBe(0);
    expect(logBytesBetween(undefined, at(4_096n, 4_000n))).toBe(4_096);
  });
});
