import type { StoreError } from '@aftersales/core';
import { accessDenied, invalidAppend, storeRejected, storeUnavailable, streamNotFound } from '@aftersales/core';

const describe = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/** The `type` both clients put on their errors (`not-leader`, `access-denied`, …); undefined for anything else. */
export const errorTypeOf = (thrown: unknown): string | undefined =>
  thrown instanceof Error && 'type' in thrown && typeof thrown.type === 'string' ? thrown.type : undefined;

/** Failures that go away by themselves: the connection, a deadline, an election, a busy node. */
const TRANSIENT_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);

/** Answers the server gives with an unknown status while a cluster elects or starts up. */
const TRANSIENT_MESSAGES = /not ready|too busy|is busy|no leader info/i;

export const isNotLeader = (thrown: unknown): boolean => errorTypeOf(thrown) === 'not-leader';

export const isStreamDeleted = (thrown: unknown): boolean => {
  const type = errorTypeOf(thrown);
  return type === 'stream-deleted' || type === 'stream-tombstoned';
};

export const isWrongExpectedVersion = (thrown: unknown): boolean => errorTypeOf(thrown) === 'wrong-expected-version';

const maxAppendSizeOf = (thrown: unknown): string =>
  thrown instanceof Error && 'maxAppendSize' in thrown && typeof thrown.maxAppendSize === 'number' ? ` (${thrown.maxAppendSize} bytes)` : '';

/**
 * What a failed call means for the port. Only what is known to pass by itself is `StoreUnavailable`
 * (retrying is safe, as appends are idempotent by event id): connection trouble, deadlines, a node
 * that is not the leader, a node that is starting or busy. Access denied is `AccessDenied`; anything
 * else the server says, including errors the client does not recognize, is `StoreRejected`.
 */
export const toStoreError = (thrown: unknown, streamId: string): StoreError => {
  const type = errorTypeOf(thrown);
  if (type === undefined) return storeUnavailable(`EventStoreDB: ${describe(thrown)}`, thrown);
  if (TRANSIENT_TYPES.has(type)) return storeUnavailable(`EventStoreDB: ${describe(thrown)}`, thrown);
  switch (type) {
    case 'stream-not-found':
      return streamNotFound(streamId);
    case 'stream-deleted':
    case 'stream-tombstoned':
      return streamNotFound(streamId);
    case 'maximum-append-size-exceeded':
      return invalidAppend(`the batch for ${streamId} is larger than the server accepts in one append${maxAppendSizeOf(thrown)}`);
    case 'append-record-size-exceeded':
      return invalidAppend(`an event for ${streamId} is larger than the server accepts (${describe(thrown)})`);
    case 'access-denied':
      return accessDenied(streamId, `access to ${streamId} denied: the user in the connection string lacks the rights its ACL requires (${describe(thrown)})`);
    default:
      if (/MaximumAppendEventSizeExceeded/.test(describe(thrown))) {
        return invalidAppend(`an event for ${streamId} is larger than the server's MaxAppendEventSize`);
      }
      if (TRANSIENT_MESSAGES.test(describe(thrown))) return storeUnavailable(`EventStoreDB: ${describe(thrown)}`, thrown);
      return storeRejected(`EventStoreDB refused the call on ${streamId} (${type}): ${describe(thrown) || 'no details'}`, thrown);
  }
};

/**
 * Whether a dropped subscription should be opened again: yes for connection trouble and anything
 * the server does not refuse for good, no for access denied and bad requests.
 */
export const isWorthResubscribing = (thrown: unknown): boolean => {
  const type = errorTypeOf(thrown);
  return type !== 'access-denied' && type !== 'invalid-argument';
};
