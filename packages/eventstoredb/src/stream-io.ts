import { randomUUID } from 'node:crypto';
import type { StoreError } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import type { StreamsClient, WireEvent, WireExpectedRevision } from './client.js';
import { isNotLeader, isWrongExpectedVersion, toStoreError } from './errors.js';

/** Calls that a follower may answer with NotLeader get this many tries; the client moves to the leader in between. */
const LEADER_ATTEMPTS = 3;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs a call again when a follower answered NotLeader: the client has then moved to the leader. */
export const onLeader = async <A>(call: () => Promise<A>): Promise<A> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (thrown) {
      if (!isNotLeader(thrown) || attempt >= LEADER_ATTEMPTS) throw thrown;
      await sleep(5);
    }
  }
};

/**
 * Appends one JSON event of the adapter's own bookkeeping (not a library event: no hash chain) at
 * `expectedRevision`, on the leader; `moved` when the stream is elsewhere.
 */
export const appendRecord = async (
  client: StreamsClient,
  stream: string,
  record: { readonly type: string; readonly data: Record<string, unknown>; readonly expectedRevision: WireExpectedRevision; readonly deadlineMs: number },
): Promise<E.Either<StoreError | 'moved', void>> => {
  try {
    const answer = await onLeader(() =>
      client.append(stream, [{ id: randomUUID(), contentType: 'application/json', type: record.type, data: record.data, metadata: {} }], {
        expectedRevision: record.expectedRevision,
        deadline: record.deadlineMs,
      }),
    );
    return answer.success ? E.right(undefined) : E.left('moved');
  } catch (thrown) {
    return E.left(isWrongExpectedVersion(thrown) ? 'moved' : toStoreError(thrown, stream));
  }
};

/** The last event of a stream, read on the leader; undefined when there is none. */
export const readLastRecord = async (client: StreamsClient, stream: string): Promise<E.Either<StoreError, WireEvent | undefined>> => {
  try {
    return E.right(
      await onLeader(async () => {
        let last: WireEvent | undefined;
        for await (const resolved of client.readStream(stream, { direction: 'backwards', fromRevision: 'end', maxCount: 1, requiresLeader: true })) {
          last = resolved.event;
        }
        return last;
      }),
    );
  } catch (thrown) {
    const error = toStoreError(thrown, stream);
    return error.code === 'StreamNotFound' ? E.right(undefined) : E.left(error);
  }
};
