import type { Position } from './client.js';

const PREPARE_BITS = 64n;
const PREPARE_MASK = (1n << PREPARE_BITS) - 1n;

/**
 * `$all` is ordered by commit position, then prepare position, both unsigned 64-bit. Placing the
 * commit position in the high 64 bits and the prepare position in the low 64 bits gives one bigint
 * whose numeric order is exactly that order, and which decodes back to the pair without loss, so a
 * saved global position resumes reads and subscriptions at the precise event.
 */
export const toGlobalPosition = (position: Position): bigint => (position.commit << PREPARE_BITS) | (position.prepare & PREPARE_MASK);

export const fromGlobalPosition = (globalPosition: bigint): Position => ({
  commit: globalPosition >> PREPARE_BITS,
  prepare: globalPosition & PREPARE_MASK,
});

/**
 * Bytes of the transaction log between two global positions: the difference of their commit
 * positions, which are byte offsets into the log, not event counts. From the log's start when `from` is undefined.
 */
export const logBytesBetween = (from: bigint | undefined, to: bigint): number =>
  Number(fromGlobalPosition(to).commit - (from === undefined ? 0n : fromGlobalPosition(from).commit));
