import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../errors.js';
import { isStoreFailure, storeUnavailable } from '../errors.js';
import type { EventStore } from '../event-store.js';
import type { RecordedEvent } from '../messages.js';

/**
 * Reads a stream from its start (or from revision `from`), handing each event to `onEvent` until it
 * answers `Left`; a stream that does not exist is read as an empty one.
 */
export const readStreamOrNothing = async (
  store: EventStore,
  streamId: string,
  onEvent: (stored: RecordedEvent) => E.Either<StoreError, void>,
  from: number | 'start' = 'start',
): Promise<E.Either<StoreError, void>> => {
  try {
    for await (const stored of store.readStream(streamId, { from })) {
      const handled = onEvent(stored);
      if (E.isLeft(handled)) return handled;
    }
  } catch (thrown) {
    if (!(isStoreFailure(thrown) && thrown.error.code === 'StreamNotFound')) {
      return E.left(isStoreFailure(thrown) ? thrown.error : storeUnavailable(`reading ${streamId} failed`, thrown));
    }
  }
  return E.right(undefined);
};
