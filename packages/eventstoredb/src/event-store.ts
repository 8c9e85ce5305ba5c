import type {
  AppendOptions,
  AppendResult,
  EventStore,
  EventToAppend,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreError,
  SubscribeOptions,
  Subscription,
} from '@aftersales/core';
import { StoreFailure } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { StreamAppender } from './append.js';
import type { AnyClient, ClientChoice, ConfigurationError, StreamsClient } from './client.js';
import { openStreamsClient, toStreamsClient } from './client.js';
import { openAllSubscription } from './client-subscription.js';
import { toStoreError } from './errors.js';
import { logBytesBetween, toGlobalPosition } from './position.js';
import { allFilter, readAllEvents, readStreamEvents, takeFromAll } from './reads.js';
import type { ResubscribeOptions } from './subscription.js';
import { resubscribingSubscription } from './subscription.js';
import { checkServerVersion } from './server-version.js';

export const CONNECTION_STRING_VARIABLE = 'EVENTSTORE_CONNECTION_STRING';

export type { ConfigurationError } from './client.js';

export interface EventStoreDBEventStoreOptions {
  /** How long an append may take, connection included, before it returns `StoreUnavailable` (default 5 000 ms). */
  readonly appendDeadlineMs?: number;
  /**
   * With `expectedRevision` `any` or `streamExists`, the append is sent at the exact revision it read
   * (the hash chain needs it); when another writer gets in between, or the connection is being
   * re-established, it reads and tries again, this many times at most (default 5).
   */
  readonly maxAppendAttempts?: number;
  /**
   * How far the server's clock may run ahead of this machine's (default 60 000 ms). BatchAppend sends
   * its deadline as a point in time, which the server compares with its own clock; the deadline sent
   * is `appendDeadlineMs` plus this, while the adapter still gives up after `appendDeadlineMs`.
   */
  readonly clockSkewToleranceMs?: number;
  /** Events per page when reading `$all` (default 1 000). */
  readonly pageSize?: number;
  /** The clock behind `recordedAt` (default: the system clock). */
  readonly clock?: () => Date;
  /** Backoff of a live subscription that lost its connection. */
  readonly resubscribe?: ResubscribeOptions;
  /**
   * The application's stream prefixes (e.g. `RepairOrder-`, `Budget-`). When given, `readAll` and
   * subscriptions ask the server for these streams only, so other applications' events sharing the
   * database never cross the network, and an event in these streams that does not decode is
   * reported. Without it, events that do not carry the library's hash chain are passed over.
   */
  readonly streamPrefixes?: readonly string[];
  /** The client package: `eventstore` (`@eventstore/db-client` 6.x) or `kurrent` (`@kurrent/kurrentdb-client` 1.x); by default the connection string's scheme decides. */
  readonly client?: ClientChoice;
}

/**
 * The event-store port on EventStoreDB and KurrentDB, through either official client (see
 * `client.ts`). Streams keep the server's own revisions (from 0); `$all` positions become one
 * ordered bigint (see `position.ts`); metadata is JSON that the server's tools read
 * (`$correlationId`, `$causationId`). Every write and every read an append depends on requires the
 * leader, so a follower sends the client on to it instead of answering stale.
 */
export class EventStoreDBEventStore implements EventStore {
  readonly dbSystem = 'eventstoredb';
  readonly client: StreamsClient;
  private readonly pageSize: number;
  private readonly resubscribe: ResubscribeOptions;
  private readonly streamPrefixes: readonly string[] | undefined;
  private readonly subscriptions = new Set<Subscription>();
  private readonly appender: StreamAppender;
  private supported: Promise<StoreError | undefined> | undefined;

  constructor(client: AnyClient, options: EventStoreDBEventStoreOptions = {}) {
    this.client = toStreamsClient(client);
    this.pageSize = options.pageSize ?? 1_000;
    this.resubscribe = options.resubscribe ?? {};
    this.streamPrefixes = options.streamPrefixes;
    const settings = {
      appendDeadlineMs: options.appendDeadlineMs ?? 5_000,
      maxAppendAttempts: options.maxAppendAttempts ?? 5,
      clockSkewToleranceMs: options.clockSkewToleranceMs ?? 60_000,
      clock: options.clock ?? (() => new Date()),
    };
    this.appender = new StreamAppender(this.client, settings, () => this.checkServer(), (streamId, read) => this.readStreamAt(streamId, read, true));
  }

  /**
   * A store on the server the connection string names: `esdb://host:2113?tls=false`,
   * `esdb+discover://…` through `@eventstore/db-client`, `kurrentdb://…` through
   * `@kurrent/kurrentdb-client` (or as `options.client` says). The package is loaded now, and must be installed.
   */
  static fromConnectionString(
    connectionString: string,
    options: EventStoreDBEventStoreOptions = {},
  ): E.Either<ConfigurationError, EventStoreDBEventStore> {
    if (/[?&]throwOnAppendFailure=false(&|$)/i.test(connectionString)) {
      return E.left({
        code: 'InvalidConfiguration',
        message: 'throwOnAppendFailure=false is not supported: a refused append must not look like a stored one; remove it from the connection string',
      });
    }
    const client = openStreamsClient(connectionString, options.client);
    return E.isLeft(client) ? client : E.right(new EventStoreDBEventStore(client.right, options));
  }

  /** A store on the server named by `EVENTSTORE_CONNECTION_STRING`. */
  static fromEnv(
    env: Readonly<Record<string, string | undefined>> = process.env,
    options: EventStoreDBEventStoreOptions = {},
  ): E.Either<ConfigurationError, EventStoreDBEventStore> {
    const connectionString = env[CONNECTION_STRING_VARIABLE];
    if (connectionString === undefined || connectionString.trim() === '') {
      return E.left({ code: 'InvalidConfiguration', message: `${CONNECTION_STRING_VARIABLE} is not set` });
    }
    return EventStoreDBEventStore.fromConnectionString(connectionString, options);
  }

  /**
   * Whether the server is one this adapter supports (23.10 or later), asked once per store when it
   * first talks to the server; a failure to ask is not remembered, so it is asked again.
   */
  private checkServer(): Promise<StoreError | undefined> {
    if (this.supported === undefined) {
      const asked = checkServerVersion(this.client);
      this.supported = asked;
      void asked.then((refusal) => {
        if (refusal?.code === 'StoreUnavailable') this.supported = undefined;
      });
    }
    return this.supported;
  }

  appendToStream(streamId: string, events: readonly EventToAppend[], options: AppendOptions): Promise<E.Either<StoreError, AppendResult>> {
    return this.appender.append(streamId, events, options);
  }

  readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    return this.readStreamAt(streamId, options, false);
  }

  private async *readStreamAt(streamId: string, options: ReadStreamOptions, requiresLeader: boolean): AsyncGenerator<RecordedEvent> {
    const refused = await this.checkServer();
    if (refused !== undefined) throw new StoreFailure(refused);
    yield* readStreamEvents(this.client, streamId, options, requiresLeader);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    const refused = await this.checkServer();
    if (refused !== undefined) throw new StoreFailure(refused);
    if (options.maxCount === 0) return;
    yield* readAllEvents(this.client, this.pageSize, this.streamPrefixes, options);
  }

  /**
   * The position of the last record in `$all`, whoever wrote it (other applications, the server
   * itself). `positionsBetween` measures lag against it in bytes of the transaction log.
   */
  async headPosition(): Promise<bigint | undefined> {
    const read = this.client.readAll({ fromPosition: 'end', direction: 'backwards', maxCount: 1 });
    try {
      for await (const resolved of read) if (resolved.event?.position !== undefined) return toGlobalPosition(resolved.event.position);
      return undefined;
    } catch (thrown) {
      throw new StoreFailure(toStoreError(thrown, '$all'));
    } finally {
      await read.cancel().catch(() => undefined);
    }
  }

  positionsBetween(from: bigint | undefined, to: bigint): number {
    return logBytesBetween(from, to);
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const filter = allFilter(options.filter, this.streamPrefixes);
    const subscription = resubscribingSubscription((after) => openAllSubscription(this.client, after, filter), takeFromAll(this.streamPrefixes), {
      ...options,
      ...this.resubscribe,
      ready: () => this.checkServer(),
    });
    this.subscriptions.add(subscription);
    return {
      caughtUp: subscription.caughtUp,
      [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    await this.client.dispose();
    // Let cancelled calls settle before the channel is dropped with the client.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

