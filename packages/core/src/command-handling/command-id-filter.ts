import * as crypto from 'node:crypto';
import { z } from 'zod';

/**
 * The command ids a stream held up to a snapshot, as a Bloom filter: a fixed number of bits, each
 * id setting `hashes` of them. It answers "maybe stored" for every id added, and for an id never
 * added only rarely (under 1% while it holds at most `capacity` ids), so a head folded from a
 * snapshot can tell a new command from one that may be a resend without the ids themselves.
 *
 * An id's bits are derived from the SHA-256 of its UTF-8 text: with `a` and `b` its first two
 * big-endian 32-bit words (`b` made odd), bit `i` of `hashes` is `(a + i * b) mod size`, bit `n`
 * being bit `n mod 8` of byte `floor(n / 8)`, so that any implementation reads the same filter.
 */
export interface CommandIdFilter {
  readonly bits: Uint8Array;
  readonly hashes: number;
  /** How many ids it is sized for; a snapshot whose filter would hold more gets a larger one. */
  readonly capacity: number;
  /** How many ids were added (an id added twice counts twice). */
  readonly count: number;
}

const BITS_PER_ID = 10;
const HASHES = 7;
const MIN_CAPACITY = 1024;

const digestOf: (text: string) => Buffer =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'buffer') : (text) => crypto.createHash('sha256').update(text).digest();

const positionsOf = (commandId: string, hashes: number, size: number): number[] => {
  const digest = digestOf(commandId);
  const a = digest.readUInt32BE(0);
  const b = (digest.readUInt32BE(4) | 1) >>> 0;
  return Array.from({ length: hashes }, (_, index) => (a + index * b) % size);
};

/** An empty filter for at least `ids` command ids: room to double, in powers of two, so that it is rarely outgrown. */
export const emptyCommandIdFilter = (ids: number): CommandIdFilter => {
  let capacity = MIN_CAPACITY;
  while (capacity < 2 * ids) capacity *= 2;
  return { bits: new Uint8Array((capacity * BITS_PER_ID) / 8), hashes: HASHES, capacity, count: 0 };
};

/** The filter with the ids added (a copy: a filter held by a head is never changed under it). */
export const withCommandIds = (filter: CommandIdFilter, commandIds: Iterable<string>): CommandIdFilter => {
  const bits = Uint8Array.from(filter.bits);
  const size = bits.length * 8;
  let count = filter.count;
  for (const commandId of commandIds) {
    for (const position of positionsOf(commandId, filter.hashes, size)) bits[position >>> 3]! |= 1 << (position & 7);
    count += 1;
  }
  return { ...filter, bits, count };
};

/** False only for an id that was never added; true for every id added and, rarely, for another. */
export const mayHoldCommandId = (filter: CommandIdFilter, commandId: string): boolean =>
  positionsOf(commandId, filter.hashes, filter.bits.length * 8).every((position) => (filter.bits[position >>> 3]! & (1 << (position & 7))) !== 0);

/** The filter as a snapshot keeps it: its parameters, and its bits in base64. */
export const CommandIdFilterData = z
  .strictObject({
    hashes: z.number().int().min(1).max(32),
    capacity: z.number().int().positive(),
    count: z.number().int().nonnegative(),
    bits: z.base64().min(1),
  })
  .transform(({ bits, ...parameters }) => ({ ...parameters, bits: new Uint8Array(Buffer.from(bits, 'base64')) }));

export const encodeCommandIdFilter = ({ bits, hashes, capacity, count }: CommandIdFilter): z.input<typeof CommandIdFilterData> => ({
  hashes,
  capacity,
  count,
  bits: Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64'),
});
