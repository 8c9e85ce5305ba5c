import * as E from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from './event-store.js';
import { logHeadOf } from './event-store.js';
import type { StoreError } from './errors.js';
import { StoreFailure, corruptedEvent, isStoreFailure, storeUnavailable } from './errors.js';
import type { EventToAppend, RecordedEvent } from './messages.js';
import type { Upcasting } from './upcasting.js';
import { createUpcasting } from './upcasting.js';

/**
 * A reversible change applied to events on their way into and out of the store, such as encrypting
 * personal data. `decode` runs before upcasting, on the data as stored; both may throw a
 * `StoreFailure` (e.g. a key store that cannot be reached), which the pipeline returns as a value.
 */
export interface EventTransform {
  readonly encode: (streamId: string, event: EventToAppend) => EventToAppend | Promise<EventToAppend>;
  readonly decode: (event: RecordedEvent) => RecordedEvent | Promise<RecordedEvent>;
}

export interface EventPipelineOptions {
  /** Brings stored data to the newest shape of its type. */
  readonly upcasting?: Upcasting;
  /** Runs first on the way out (e.g. decrypting personal data) and last on the way in (encrypting it). */
  readonly transform?: EventTransform;
  /**
   * Decodes `{ type, data }` after upcasting; an event it rejects is a `CorruptedEvent` naming its
   * stream and revision. Events of types it does not know should pass (use a permissive schema).
   */
  readonly schema?: z.ZodType<{ readonly type: string; readonly data: unknown }>;
  /**
   * What a read does with an event that does not decrypt, upcast or decode: `fail` (the default) ends
   * the read with `StoreFailure(CorruptedEvent)`; `mark` yields the event as stored with
   * `metadata.undecodable` saying why, so that a read that does not need it (a KPI, the audit trail,
   * a report) goes on and names it. A store that cannot be reached ends the read either way.
   */
  readonly undecodable?: 'fail' | 'mark';
}

/**
 * Decodes one stored event into the newest shape: transform, upcast to the current schema version,
 * decode. The result's `metadata.schemaVersion` is the version its data now has; its hash fields are
 * those of the stored event, which is why verification reads the raw store and never this.
 */
export const decodeStoredEvent = async (
  stored: RecordedEvent,
  options: EventPipelineOptions,
): Promise<E.Either<StoreError, RecordedEvent>> => {
  const upcasting = options.upcasting ?? createUpcasting();
  let recorded = stored;
  try {
    if (options.transform) recorded = await options.transform.decode(stored);
  } catch (thrown) {
    if (isStoreFailure(thrown)) return E.left(thrown.error);
    return E.left(storeUnavailable(`decoding ${stored.streamId}@${stored.revision} failed`, thrown));
  }
  const upcast = upcasting.upcast(recorded, recorded.type, recorded.metadata.schemaVersion, recorded.data);
  if (E.isLeft(upcast)) return upcast;
  let data = upcast.right;
  if (options.schema !== undefined) {
    const parsed = options.schema.safeParse({ type: recorded.type, data });
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      return E.left(corruptedEvent(recorded.streamId, recorded.revision, `${recorded.type} does not decode (${detail})`));
    }
    data = parsed.data.data;
  }
  return E.right({
    ...recorded,
    data,
    metadata: { ...recorded.metadata, schemaVersion: upcasting.currentVersion(recorded.type), storedSchemaVersion: recorded.metadata.storedSchemaVersion ?? recorded.metadata.schemaVersion },
  });
};

/**
 * A store that reads and writes through the event pipeline: every read (`readStream`, `readAll`,
 * subscriptions, and the events an append returns) yields the newest shape, decrypted or marked
 * erased; every append is encoded first. Projections, the CLI and command handling use it; an event
 * that cannot be decoded ends the read with `StoreFailure(CorruptedEvent)`, or is marked (see
 * `undecodable`).
 */
export const withEventPipeline = (store: EventStore, options: EventPipelineOptions): EventStore => {
  const upcasting = options.upcasting ?? createUpcasting();
  const decodeOrThrow = async (stored: RecordedEvent): Promise<RecordedEvent> => {
    const decoded = await decodeStoredEvent(stored, options);
    if (E.isRight(decoded)) return decoded.right;
    if (options.undecodable === 'mark' && decoded.left.code === 'CorruptedEvent') return { ...stored, metadata: { ...stored.metadata, undecodable: decoded.left.message } };
    throw new StoreFailure(decoded.left);
  };
  async function* decodeAll(events: AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    for await (const event of events) yield await decodeOrThrow(event);
  }
  return {
    ...(store.dbSystem === undefined ? {} : { dbSystem: store.dbSystem }),
    ...logHeadOf(store),
    appendToStream: async (streamId: string, events: readonly EventToAppend[], appendOptions: AppendOptions) => {
      const encoded: EventToAppend[] = [];
      try {
        for (const event of events) encoded.push(options.transform ? await options.transform.encode(streamId, event) : event);
      } catch (thrown) {
        // A key store that cannot be reached must not turn into a throw: the port answers with values.
        return E.left(isStoreFailure(thrown) ? thrown.error : storeUnavailable(`encoding events for ${streamId} failed`, thrown));
      }
      const appended = await store.appendToStream(streamId, encoded, appendOptions);
      if (E.isLeft(appended)) return appended;
      const decoded: RecordedEvent[] = [];
      for (const [index, event] of appended.right.events.entries()) {
        const given = events[index];
        // An event stored just now from the given one is returned with the data as given, newest
        // version already: decrypting what was encrypted a moment ago is work nobody needs. An
        // idempotent retry returns the events stored the first time, which are decoded.
        if (given !== undefined && event.data === encoded[index]!.data && given.metadata.schemaVersion === upcasting.currentVersion(given.type)) {
          decoded.push({ ...event, data: given.data, metadata: { ...event.metadata, storedSchemaVersion: event.metadata.schemaVersion } });
          continue;
        }
        const one = await decodeStoredEvent(event, options);
        if (E.isLeft(one)) return one;
        decoded.push(one.right);
      }
      return E.right<StoreError, AppendResult>({ ...appended.right, events: decoded });
    },
    readStream: (streamId: string, readOptions?: ReadStreamOptions) => decodeAll(store.readStream(streamId, readOptions)),
    readAll: (readOptions?: ReadAllOptions) => decodeAll(store.readAll(readOptions)),
    subscribeToAll: (subscribeOptions?: SubscribeOptions): Subscription => {
      const inner = store.subscribeToAll(subscribeOptions);
      const iterator = decodeAll(inner);
      return {
        caughtUp: inner.caughtUp,
        [Symbol.asyncIterator]: () => iterator,
        close: async () => {
          await inner.close();
          await iterator.return(undefined);
        },
      };
    },
    close: () => store.close(),
  };
};
