import type { StoreError } from '@aftersales/core';
import { invalidAppend } from '@aftersales/core';
import { GENESIS_HASH } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { StreamsClient, WireResolvedEvent } from './client.js';
import { decodeEvent } from './codec.js';
import { isStreamDeleted, toStoreError } from './errors.js';

/** What the next event of a stream chains onto: its last revision and that event's hash. */
export interface StreamHead {
  /** -1 when the stream does not exist. */
  readonly revision: number;
  readonly hash: string;
}

export const NEW_STREAM_HEAD: StreamHead = { revision: -1, hash: GENESIS_HASH };

/** The `$tb` of a stream the server reports as not found: set when it was soft-deleted. */
const truncatedBefore = async (client: StreamsClient, streamId: string): Promise<E.Either<StoreError, number | undefined>> => {
  const metadataStream = `$$${streamId}`;
  try {
    let data: unknown;
    for await (const resolved of client.readStream(metadataStream, { direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true })) {
      data = resolved.event?.data;
    }
    const truncateBefore: unknown = typeof data === 'object' && data !== null ? Reflect.get(data, '$tb') : undefined;
    return E.right(typeof truncateBefore === 'number' && truncateBefore > 0 ? truncateBefore : undefined);
  } catch (thrown) {
    const error = toStoreError(thrown, metadataStream);
    return error.code === 'StreamNotFound' ? E.right(undefined) : E.left(error);
  }
};

/**
 * The stream's last revision and hash, read backwards from the leader. The server can hide a
 * stream's last events (a soft delete's `$tb`, `$maxAge`, `$maxCount` 0) while it goes on numbering
 * after them, so a chain sealed from what is visible would break: such a stream is reported, not
 * appended to.
 */
export const readHead = async (client: StreamsClient, streamId: string): Promise<E.Either<StoreError, StreamHead>> => {
  let last: WireResolvedEvent | undefined;
  try {
    // Read to the end (one event) rather than leave the call half-read.
    for await (const resolved of client.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true })) {
      last = resolved;
    }
  } catch (thrown) {
    if (isStreamDeleted(thrown)) return E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB`));
    const error = toStoreError(thrown, streamId);
    if (error.code !== 'StreamNotFound') return E.left(error);
    const softDeleted = await truncatedBefore(client, streamId);
    if (E.isLeft(softDeleted)) return softDeleted;
    return softDeleted.right === undefined
      ? E.right(NEW_STREAM_HEAD)
      : E.left(invalidAppend(`stream ${streamId} was deleted in EventStoreDB ($tb ${softDeleted.right}): the server would number new events after the hidden ones, which the hash chain cannot follow`));
  }
  const event = last?.event;
  if (event === undefined) {
    return E.left(invalidAppend(`stream ${streamId} exists in EventStoreDB but its last events are hidden ($maxAge or $maxCount): the hash chain cannot continue from them`));
  }
  const decoded = decodeEvent(event);
  return E.isLeft(decoded) ? decoded : E.right({ revision: decoded.right.revision, hash: decoded.right.metadata.hash });
};

/**
 * The head of a stream expected not to exist, unless it was soft-deleted (its numbering then goes
 * on after the hidden events; the head read reports it): there is no event to read, so only its
 * metadata is. Should the stream exist, the server refuses `no_stream` and the head is read.
 */
export const newStreamHead = async (client: StreamsClient, streamId: string): Promise<E.Either<StoreError, StreamHead> | undefined> => {
  const softDeleted = await truncatedBefore(client, streamId);
  if (E.isLeft(softDeleted)) return softDeleted;
  return softDeleted.right === undefined ? E.right(NEW_STREAM_HEAD) : undefined;
};
