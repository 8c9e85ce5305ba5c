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
  /**
   * The bits in base64, as a snapshot keeps them. A load only reads the few characters an id's bits
   * are in, so that its cost does not grow with the stream; a character that is not base64 reads as
   * bits set, so a damaged filter costs whole reads, never a resend taken for a new command.
   */
  readonly bits: string;
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

/** Calls `onBit` with each of the id's bit positions in a filter of `size` bits, until it answers false. */
const everyBitOf = (commandId: string, hashes: number, size: number, onBit: (position: number) => boolean): boolean => {
  const digest = digestOf(commandId);
  const a = digest.readUInt32BE(0);
  const b = (digest.readUInt32BE(4) | 1) >>> 0;
  for (let index = 0; index < hashes; index += 1) if (!onBit((a + index * b) % size)) return false;
  return true;
};

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const SIXES = new Int8Array(128).fill(-1);
for (let index = 0; index < ALPHABET.length; index += 1) SIXES[ALPHABET.charCodeAt(index)] = index;

/**
 * Byte `index` of base64 text, read from the four characters it is in; 255 (every bit set) where one
 * is not base64, padding included: the filters written here have none.
 */
const byteAt = (base64: string, index: number): number => {
  const at = Math.floor(index / 3) * 4;
  let group = 0;
  for (let offset = 0; offset < 4; offset += 1) {
    const six = SIXES[base64.charCodeAt(at + offset)] ?? -1;
    if (six < 0) return 255;
    group = (group << 6) | six;
  }
  return (group >> (16 - 8 * (index % 3))) & 255;
};

const sizeInBits = (base64: string): number => ((base64.length / 4) * 3 - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0)) * 8;

/** An empty filter for at least `ids` command ids: room to double, in powers of two, so that it is rarely outgrown. */
export const emptyCommandIdFilter = (ids: number): CommandIdFilter => {
  let capacity = MIN_CAPACITY;
  while (capacity < 2 * ids) capacity *= 2;
  const bytes = Math.ceil((capacity * BITS_PER_ID) / 8 / 3) * 3;
  return { bits: Buffer.alloc(bytes).toString('base64'), hashes: HASHES, capacity, count: 0 };
};

/**
 * The filter with the ids added; undefined when its bits are not base64 throughout: read whole and
 * written again, a damaged filter could lose bits of ids it holds.
 */
export const withCommandIds = (filter: CommandIdFilter, commandIds: Iterable<string>): CommandIdFilter | undefined => {
  const bytes = Buffer.from(filter.bits, 'base64');
  if (bytes.toString('base64') !== filter.bits) return undefined;
  const size = sizeInBits(filter.bits);
  let count = filter.count;
  const set = (position: number): boolean => {
    bytes[position >>> 3]! |= 1 << (position & 7);
    return true;
  };
  for (const commandId of commandIds) {
    everyBitOf(commandId, filter.hashes, size, set);
    count += 1;
  }
  return { ...filter, bits: bytes.toString('base64'), count };
};

/** False only for an id that was never added; true for every id added and, rarely, for another. */
export const mayHoldCommandId = ({ bits, hashes }: CommandIdFilter, commandId: string): boolean =>
  everyBitOf(commandId, hashes, sizeInBits(bits), (position) => (byteAt(bits, position >>> 3) & (1 << (position & 7))) !== 0);

/**
 * The filter as a snapshot keeps it: its parameters, and its bits in base64 (whole groups of four
 * characters; their characters are checked only where an id's bits are read, see `bits`).
 */
export const CommandIdFilterData = z.strictObject({
  hashes: z.number().int().min(1).max(32),
  capacity: z.number().int().positive(),
  count: z.number().int().nonnegative(),
  bits: z.string().refine((bits) => bits.length >= 4 && bits.length % 4 === 0 && sizeInBits(bits) > 0, 'base64 in whole groups of four characters'),
});
