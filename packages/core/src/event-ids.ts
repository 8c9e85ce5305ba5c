import { sha256Hex } from './hash-chain.js';

/**
 * The id of the `index`-th event a command produces on a stream: a UUID (version 8, name-based)
 * derived from the stream, the command id and the index. A retried command yields the same ids, so
 * the store recognizes the retry and stores nothing twice, even across process restarts.
 */
export const deterministicEventId = (streamId: string, commandId: string, index: number): string => {
  const hex = sha256Hex(`${streamId}\u0000${commandId}\u0000${index}`);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

/**
 * The id of the `index`-th event of a command, derived from its stream, its command id and its
 * content digest (`commandDigest`). The same command sent again yields the same ids; a command that
 * reuses the id with other content yields other ids, which is how command handling tells the two
 * apart. Events stored before the digest was part of the id carry `deterministicEventId`s.
 */
export const commandEventId = (streamId: string, commandId: string, digest: string, index: number): string =>
  deterministicEventId(streamId, `${commandId}\u0000${digest}`, index);
