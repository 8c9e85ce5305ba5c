import { ErrorType, isCommandError } from '@eventstore/db-client';
import type { StoreError } from '@aftersales/core';
import { invalidAppend, storeUnavailable, streamNotFound } from '@aftersales/core';

const describe = (thrown: unknown): string => (thrown instanceof Error ? thrown.message : String(thrown));

/**
 * What a failed call means for the port. Connection trouble, deadlines, a node that is not the
 * leader (the client reconnects to the leader on the next call) and anything unexpected are
 * `StoreUnavailable`: retrying later is safe because appends are idempotent by event id.
 */
export const toStoreError = (thrown: unknown, streamId?: string): StoreError => {
  if (thrown instanceof Error && isCommandError(thrown)) {
    switch (thrown.type) {
      case ErrorType.STREAM_NOT_FOUND:
        return streamNotFound(streamId ?? thrown.streamName);
      case ErrorType.STREAM_DELETED:
        return streamId === undefined ? storeUnavailable(describe(thrown), thrown) : streamNotFound(streamId);
      case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
        return invalidAppend(`the batch is larger than the server accepts in one append (${thrown.maxAppendSize} bytes)`);
      case ErrorType.ACCESS_DENIED:
        return storeUnavailable(`access denied: check the credentials in the connection string (${describe(thrown)})`, thrown);
      default:
        return storeUnavailable(`EventStoreDB: ${describe(thrown)}`, thrown);
    }
  }
  return storeUnavailable(`EventStoreDB: ${describe(thrown)}`, thrown);
};

export const isStreamDeleted = (thrown: unknown): boolean => thrown instanceof Error && isCommandError(thrown) && thrown.type === ErrorType.STREAM_DELETED;

/**
 * Whether a dropped subscription should be opened again: yes for connection trouble and anything
 * unexpected, no when the server refused it for a reason a retry cannot change.
 */
export const isWorthResubscribing = (thrown: unknown): boolean =>
  !(thrown instanceof Error && isCommandError(thrown) && [ErrorType.ACCESS_DENIED, ErrorType.INVALID_ARGUMENT].includes(thrown.type));
