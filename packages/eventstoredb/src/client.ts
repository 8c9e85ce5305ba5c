import { createRequire } from 'node:module';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';

/** The two official Node.js clients the adapter works with, by package name. */
export type ClientPackage = '@eventstore/db-client' | '@kurrent/kurrentdb-client';

/** How the adapter names them in options: `eventstore` (6.x, the default) or `kurrent` (1.x). */
export type ClientChoice = 'eventstore' | 'kurrent';

export const CLIENT_PACKAGES: Readonly<Record<ClientChoice, ClientPackage>> = {
  eventstore: '@eventstore/db-client',
  kurrent: '@kurrent/kurrentdb-client',
};

export interface ConfigurationError {
  readonly code: 'InvalidConfiguration';
  readonly message: string;
}

export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** An event as either client hands it over; everything in it is decoded before use (see `codec.ts`). */
export interface WireEvent {
  readonly streamId: string;
  readonly id: string;
  readonly isJson: boolean;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

export interface WireResolvedEvent {
  readonly event?: WireEvent;
}

/** A catch-up subscription as both clients implement it: a readable stream with `caughtUp` events. */
export interface WireSubscription extends AsyncIterable<unknown> {
  on(event: 'caughtUp' | 'confirmation', listener: () => void): unknown;
  once(event: 'confirmation', listener: () => void): unknown;
  push(item: unknown): boolean;
  unsubscribe(): Promise<void>;
  destroy(): void;
}

/** An event to append, in the shape both clients take. */
export interface EventData {
  readonly id: string;
  readonly contentType: 'application/json';
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

/** An expected revision as both clients send it. */
export type WireExpectedRevision = bigint | 'no_stream' | 'any' | 'stream_exists';

/** What the server filters a subscription to `$all` on. */
export type WireFilter =
  | { readonly on: 'streamName'; readonly prefixes: readonly string[] }
  | { readonly on: 'streamName'; readonly regex: string }
  | { readonly on: 'eventType'; readonly regex: string };

export interface StreamingRead<A> extends AsyncIterable<A> {
  cancel(): Promise<void>;
}

export interface AppendAnswer {
  readonly success: boolean;
  readonly nextExpectedRevision: bigint;
  readonly position?: Position;
}

/**
 * The calls the adapter makes, the same over either client. `requiresLeader` makes a follower answer
 * NotLeader (which the client follows to the leader on the next call) instead of serving the call.
 */
export interface StreamsClient {
  readonly package: ClientPackage;
  append(
    stream: string,
    events: readonly EventData[],
    options: { readonly expectedRevision: WireExpectedRevision; readonly deadline: number },
  ): Promise<AppendAnswer>;
  readStream(stream: string, options: WireReadStreamOptions): StreamingRead<WireResolvedEvent>;
  readAll(options: WireReadAllOptions): StreamingRead<WireResolvedEvent>;
  subscribeToAll(options: { readonly fromPosition: Position | 'start'; readonly filter: WireFilter }): WireSubscription;
  /** The version the server reports through ServerFeatures (`unknown` when it has none). */
  serverVersion(): Promise<string>;
  dispose(): Promise<void>;
}

/**
 * A server-side filter as both clients' `streamNameFilter` and `eventTypeFilter` make it; the adapter
 * only hands it back to the client that made it.
 */
export type ClientFilter =
  | { readonly filterOn: 'streamName' | 'eventType'; readonly checkpointInterval: number; readonly regex: string }
  | { readonly filterOn: 'streamName' | 'eventType'; readonly checkpointInterval: number; readonly prefixes: string[] };

export interface WireReadStreamOptions {
  readonly direction: 'forwards' | 'backwards';
  readonly fromRevision: bigint | 'start' | 'end';
  readonly maxCount: number;
  readonly requiresLeader?: boolean;
}

export interface WireReadAllOptions {
  readonly fromPosition: Position | 'start' | 'end';
  readonly direction?: 'forwards' | 'backwards';
  readonly maxCount: number;
}

export interface WireSubscribeOptions {
  readonly fromPosition: Position | 'start';
  readonly filter: ClientFilter;
}

/**
 * The calls an official client offers the adapter, `Expected` naming how its appends take the
 * expected revision and `Read` what its reads return. The adapter's published types declare the
 * clients' shapes themselves, so that they compile without either optional package installed; the
 * real clients are checked against them where the packages are (see `client.test.ts`).
 */
export interface OfficialClientLike<Expected extends string, Read> {
  appendToStream(
    streamName: string,
    events: EventData[],
    options: { readonly deadline: number; readonly requiresLeader: boolean } & { readonly [K in Expected]: WireExpectedRevision },
  ): Promise<AppendAnswer>;
  readStream(streamName: string, options: WireReadStreamOptions): Read;
  readAll(options: WireReadAllOptions): Read;
  subscribeToAll(options: WireSubscribeOptions): WireSubscription;
  dispose(): Promise<void>;
}

/** `@eventstore/db-client` 6.x's `EventStoreDBClient` as the adapter calls it. */
export type EventStoreDBClientLike = OfficialClientLike<'expectedRevision', NodeStreamingRead<WireResolvedEvent>>;

/** `@kurrent/kurrentdb-client` 1.x's `KurrentDBClient`: `streamState`, and reads as async iterators. */
export interface KurrentDBClientLike extends OfficialClientLike<'streamState', AsyncIterableIterator<WireResolvedEvent>> {
  /** Only the 1.x client has it: how a client the caller created is told apart. */
  readonly multiStreamAppend: unknown;
}

/** What the adapter takes from a client package's exports besides the client class. */
interface FilterFactories {
  streamNameFilter(options: { prefixes: string[] } | { regex: string }): ClientFilter;
  eventTypeFilter(options: { regex: string }): ClientFilter;
}

interface EventStoreModule extends FilterFactories {
  readonly EventStoreDBClient: { connectionString(connectionString: string): EventStoreDBClientLike };
}

interface KurrentModule extends FilterFactories {
  readonly KurrentDBClient: { connectionString(connectionString: string): KurrentDBClientLike };
}

const Capabilities = z.object({ serverVersion: z.string() });

/** The server version the client learnt from ServerFeatures; both clients keep it behind a getter they do not type as public. */
const capabilitiesOf = async (client: object): Promise<string> => {
  const capabilities: unknown = await Reflect.get(client, 'capabilities');
  const decoded = Capabilities.safeParse(capabilities);
  return decoded.success ? decoded.data.serverVersion : 'unknown';
};

/** A 6.x read: a Node.js stream fed by the gRPC call, which stays open until the call's data has been taken or the call fails. */
export interface NodeStreamingRead<A> extends StreamingRead<A> {
  iterator(options: { readonly destroyOnReturn: boolean }): AsyncIterableIterator<A>;
  resume(): unknown;
}

/**
 * A 6.x read that a reader may leave part way. The client's `dispose` waits for every gRPC call to
 * finish, and a call the server has already completed only finishes once its buffered data is
 * read: cancelling it is then a no-op, and a reader that stopped early (its iteration destroying the
 * stream and so pausing the call) made every later `close` of the store wait forever. So iterating
 * does not destroy the stream, and cancelling also lets whatever is left flow out unread.
 */
const drainedOnCancel = <A>(read: NodeStreamingRead<A>): StreamingRead<A> => ({
  [Symbol.asyncIterator]: () => read.iterator({ destroyOnReturn: false }),
  cancel: async () => {
    await read.cancel();
    read.resume();
  },
});

/** The 1.x client reads through its native addon, which stops a read when the iteration returns. */
const cancellable = <A>(iterator: AsyncIterableIterator<A>): StreamingRead<A> => ({
  [Symbol.asyncIterator]: () => iterator,
  cancel: async () => {
    await iterator.return?.();
  },
});

const wireFilter = (module: FilterFactories, filter: WireFilter): ClientFilter =>
  filter.on === 'eventType'
    ? module.eventTypeFilter({ regex: filter.regex })
    : 'prefixes' in filter
      ? module.streamNameFilter({ prefixes: [...filter.prefixes] })
      : module.streamNameFilter({ regex: filter.regex });

/** `@eventstore/db-client` 6.x as the adapter calls it. */
export const eventStoreStreams = (module: FilterFactories, client: EventStoreDBClientLike): StreamsClient => ({
  package: '@eventstore/db-client',
  append: (stream, events, { expectedRevision, deadline }) =>
    client.appendToStream(stream, events.map((event) => ({ ...event })), { expectedRevision, deadline, requiresLeader: true }),
  readStream: (stream, options) => drainedOnCancel(client.readStream(stream, options)),
  readAll: (options) => drainedOnCancel(client.readAll(options)),
  subscribeToAll: ({ fromPosition, filter }) => client.subscribeToAll({ fromPosition, filter: wireFilter(module, filter) }),
  serverVersion: () => capabilitiesOf(client),
  dispose: () => client.dispose(),
});

/** `@kurrent/kurrentdb-client` 1.x: the same calls, with `streamState` for the expected revision. */
export const kurrentStreams = (module: FilterFactories, client: KurrentDBClientLike): StreamsClient => ({
  package: '@kurrent/kurrentdb-client',
  append: (stream, events, { expectedRevision, deadline }) =>
    client.appendToStream(stream, events.map((event) => ({ ...event })), { streamState: expectedRevision, deadline, requiresLeader: true }),
  readStream: (stream, options) => cancellable(client.readStream(stream, options)),
  readAll: (options) => cancellable(client.readAll(options)),
  subscribeToAll: ({ fromPosition, filter }) => client.subscribeToAll({ fromPosition, filter: wireFilter(module, filter) }),
  serverVersion: () => capabilitiesOf(client),
  dispose: () => client.dispose(),
});

const require = createRequire(import.meta.url);

/** Loads a client package by name, only when a store uses it: both are optional peer dependencies. */
const loadModule = <Module>(name: ClientPackage): E.Either<ConfigurationError, Module> => {
  try {
    return E.right(require(name) as Module);
  } catch (thrown) {
    return E.left({
      code: 'InvalidConfiguration',
      message: `the EventStoreDB adapter needs the optional package ${name} for this connection string; install it (${thrown instanceof Error ? thrown.message.split('\n')[0] : String(thrown)})`,
    });
  }
};

const KURRENT_SCHEME = /^(kurrentdb|kurrent|kdb)(\+discover)?:\/\//;
const ESDB_SCHEME = /^esdb(\+discover)?:\/\//;

/** The client a connection string names: `kurrentdb://` (and `kurrent://`, `kdb://`) the 1.x client, `esdb://` the 6.x one. */
export const clientChoiceOf = (connectionString: string, choice?: ClientChoice): ClientChoice =>
  choice ?? (KURRENT_SCHEME.test(connectionString.trim()) ? 'kurrent' : 'eventstore');

/** The connection string in the scheme the chosen client expects (6.x knows only `esdb`; 1.x warns on it). */
const inSchemeOf = (choice: ClientChoice, connectionString: string): string => {
  const trimmed = connectionString.trim();
  return choice === 'kurrent'
    ? trimmed.replace(ESDB_SCHEME, (_whole, discover: string | undefined) => `kurrentdb${discover ?? ''}://`)
    : trimmed.replace(KURRENT_SCHEME, (_whole, _scheme: string, discover: string | undefined) => `esdb${discover ?? ''}://`);
};

/** Opens the client a connection string (or the choice) names, loading its package on demand. */
export const openStreamsClient = (connectionString: string, choice?: ClientChoice): E.Either<ConfigurationError, StreamsClient> => {
  const chosen = clientChoiceOf(connectionString, choice);
  const target = inSchemeOf(chosen, connectionString);
  const invalid = (thrown: unknown): ConfigurationError => ({
    code: 'InvalidConfiguration',
    message: `invalid EventStoreDB connection string: ${thrown instanceof Error ? thrown.message : String(thrown)}`,
  });
  if (chosen === 'kurrent') {
    const module = loadModule<KurrentModule>(CLIENT_PACKAGES.kurrent);
    if (E.isLeft(module)) return module;
    return E.tryCatch(() => kurrentStreams(module.right, module.right.KurrentDBClient.connectionString(target)), invalid);
  }
  const module = loadModule<EventStoreModule>(CLIENT_PACKAGES.eventstore);
  if (E.isLeft(module)) return module;
  return E.tryCatch(() => eventStoreStreams(module.right, module.right.EventStoreDBClient.connectionString(target)), invalid);
};

/** Wraps a client the caller created: either official client, told apart by the method only the 1.x one has. */
export const streamsClientOf = (client: EventStoreDBClientLike | KurrentDBClientLike): StreamsClient => {
  if ('multiStreamAppend' in client) {
    const module = loadModule<KurrentModule>(CLIENT_PACKAGES.kurrent);
    if (E.isLeft(module)) throw new Error(module.left.message);
    return kurrentStreams(module.right, client);
  }
  const module = loadModule<EventStoreModule>(CLIENT_PACKAGES.eventstore);
  if (E.isLeft(module)) throw new Error(module.left.message);
  return eventStoreStreams(module.right, client);
};

/** Anything that is already a `StreamsClient` passes through; an official client is wrapped. */
export type AnyClient = StreamsClient | EventStoreDBClientLike | KurrentDBClientLike;

export const toStreamsClient = (client: AnyClient): StreamsClient => ('package' in client && 'append' in client ? client : streamsClientOf(client));
