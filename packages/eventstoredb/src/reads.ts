import type { EventFilter, ReadAllOptions, ReadStreamOptions, RecordedEvent, StoreError } from '@aftersales/core';
import { StoreFailure, isStoreFailure, storeUnavailable } from '@aftersales/core';
import { matchesFilter } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { StreamsClient, WireEvent } from './client.js';
import { isCaughtUpMarker, openAllSubscription, serverFilter } from './client-subscription.js';
import { decodeEvent, isLibraryEvent, isSystemEvent } from './codec.js';
import { toStoreError } from './errors.js';
import { fromGlobalPosition, toGlobalPosition } from './position.js';
import { CHECKPOINT_STREAM_PREFIX } from './projection-store.js';
import { SETTINGS_STREAM } from './store-settings.js';

const MAX_COUNT = Number.MAX_SAFE_INTEGER;
/** The adapter's own streams, which `$all` readers leave out: projection checkpoints and the log's settings. */
const ADAPTER_STREAM_PREFIXES = [CHECKPOINT_STREAM_PREFIX, SETTINGS_STREAM];

/** Reads one stream, decoded; `requiresLeader` for the reads an append depends on. */
export async function* readStreamEvents(client: StreamsClient, streamId: string, options: ReadStreamOptions, requiresLeader: boolean): AsyncGenerator<RecordedEvent> {
  const backwards = options.direction === 'backwards';
  const from = options.from ?? (backwards ? 'end' : 'start');
  if (options.maxCount === 0) return;
  const reading = client.readStream(streamId, {
    direction: backwards ? 'backwards' : 'forwards',
    fromRevision: from === 'start' ? 'start' : from === 'end' ? 'end' : BigInt(from),
    maxCount: options.maxCount ?? MAX_COUNT,
    requiresLeader,
  });
  let completed = false;
  try {
    for await (const resolved of reading) {
      if (resolved.event === undefined) continue;
      const decoded = decodeEvent(resolved.event);
      if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
      yield decoded.right;
    }
    completed = true;
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw thrown;
    throw new StoreFailure(toStoreError(thrown, streamId));
  } finally {
    // A reader that stops early leaves the call open on the server; cancel it.
    if (!completed) await reading.cancel().catch(() => undefined);
  }
}

/**
 * How `$all` readers take an event: the server's records (`$` streams and types), the adapter's
 * own streams and other applications' events are passed over; the library's own are decoded.
 */
export const takeFromAll =
  (streamPrefixes: readonly string[] | undefined) =>
  (event: WireEvent): E.Either<StoreError, RecordedEvent | undefined> => {
    if (isSystemEvent(event) || ADAPTER_STREAM_PREFIXES.some((prefix) => event.streamId.startsWith(prefix))) return E.right(undefined);
    if (streamPrefixes === undefined) return isLibraryEvent(event) ? decodeEvent(event) : E.right(undefined);
    // In the application's own streams every event must be the library's: one that is not is
    // reported, as it may be a library event whose chain fields were stripped.
    return streamPrefixes.some((prefix) => event.streamId.startsWith(prefix)) ? decodeEvent(event) : E.right(undefined);
  };

/** The filter the server applies to `$all`: the caller's, the application's prefixes, never the adapter's own streams. */
export const allFilter = (filter: EventFilter | undefined, streamPrefixes: readonly string[] | undefined) =>
  serverFilter(filter, streamPrefixes, ADAPTER_STREAM_PREFIXES);

/** The event as a `$all` reader hands it over, if it does and it matches the filter; one that does not decode throws. */
const takeMatching = (take: ReturnType<typeof takeFromAll>, filter: EventFilter | undefined, event: WireEvent): RecordedEvent | undefined => {
  const taken = take(event);
  if (E.isLeft(taken)) throw new StoreFailure(taken.left);
  return taken.right !== undefined && matchesFilter(filter, taken.right.streamId, taken.right.type) ? taken.right : undefined;
};

/** Reads `$all` as the port does: paged, or on the server through a filter when one applies. */
export const readAllEvents = (client: StreamsClient, pageSize: number, streamPrefixes: readonly string[] | undefined, options: ReadAllOptions): AsyncGenerator<RecordedEvent> => {
  const filtered = options.filter?.streamPrefixes !== undefined || options.filter?.eventTypes !== undefined || streamPrefixes !== undefined;
  return filtered ? readAllFiltered(client, streamPrefixes, options) : readAllPaged(client, pageSize, streamPrefixes, options);
};

/** Pages through `$all`; a read from a position includes the event there, so it is skipped. */
async function* readAllPaged(client: StreamsClient, pageSize: number, streamPrefixes: readonly string[] | undefined, options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
  const take = takeFromAll(streamPrefixes);
  let after = options.after;
  let remaining = options.maxCount ?? MAX_COUNT;
  let pending: { cancel(): Promise<void> } | undefined;
  try {
    while (remaining > 0) {
      let seen = 0;
      let last: bigint | undefined;
      const page = client.readAll({ fromPosition: after === undefined ? 'start' : fromGlobalPosition(after), maxCount: pageSize });
      pending = page;
      for await (const resolved of page) {
        seen += 1;
        const event = resolved.event;
        if (event?.position === undefined) continue;
        const position = toGlobalPosition(event.position);
        last = position;
        if (after !== undefined && position <= after) continue;
        const taken = takeMatching(take, options.filter, event);
        if (taken === undefined) continue;
        yield taken;
        remaining -= 1;
        if (remaining === 0) return;
      }
      pending = undefined;
      if (seen < pageSize || last === undefined) return;
      after = last;
    }
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw thrown;
    throw new StoreFailure(toStoreError(thrown, '$all'));
  } finally {
    await pending?.cancel().catch(() => undefined);
  }
}

/**
 * A filtered read runs on the server: the 6.x client's reads of `$all` take no filter, so this is
 * a filtered catch-up subscription that ends where the server reports it has caught up.
 */
async function* readAllFiltered(client: StreamsClient, streamPrefixes: readonly string[] | undefined, options: ReadAllOptions): AsyncGenerator<RecordedEvent> {
  const take = takeFromAll(streamPrefixes);
  const { subscription, items } = openAllSubscription(client, options.after, allFilter(options.filter, streamPrefixes));
  let remaining = options.maxCount ?? MAX_COUNT;
  try {
    for await (const item of items) {
      if (isCaughtUpMarker(item)) return;
      const event = item.event;
      if (event === undefined) continue;
      const taken = takeMatching(take, options.filter, event);
      if (taken === undefined) continue;
      yield taken;
      remaining -= 1;
      if (remaining === 0) return;
    }
    throw new StoreFailure(storeUnavailable('EventStoreDB ended a filtered read before it caught up'));
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw thrown;
    throw new StoreFailure(toStoreError(thrown, '$all'));
  } finally {
    await subscription.unsubscribe().catch(() => undefined);
  }
}
