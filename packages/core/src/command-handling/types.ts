import type * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { DomainError, StoreError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import type { RecordedEvent } from '../messages.js';
import type { Upcasting } from '../upcasting.js';

export interface CommandAccepted {
  readonly streamId: string;
  /** The events the command produced, as stored. */
  readonly events: readonly RecordedEvent[];
  /** The stream's revision after the command; -1 if the command produced no event on a new stream. */
  readonly nextExpectedRevision: number;
  /** True when this command id had already been handled: nothing new was appended. */
  readonly duplicate: boolean;
}

export interface RefusedCommand {
  readonly error: DomainError;
  /** The command as received (possibly malformed). */
  readonly command: unknown;
  readonly streamId?: string;
  /** Where the command was in the caller's input (e.g. `line 12`), for input read from a file. */
  readonly position?: string;
}

export interface CommandHandlerOptions {
  readonly store: EventStore;
  readonly upcasting?: Upcasting;
  /** How many times a command is re-decided after losing a race for its stream (default 5). */
  readonly maxConflictRetries?: number;
  /** How many times an append is retried after the store was unavailable (default 2); safe, as event ids are deterministic. */
  readonly maxUnavailableRetries?: number;
  /**
   * How many streams' folded state the handler remembers between commands (default 10,000; 0 for
   * none), so that a command on a stream it has just seen is decided without reading the stream
   * again. Over a store that decrypts as it reads (`withEventPipeline`), pass 0 if an aggregate's
   * state holds personal data, so that an erased customer's data is not remembered.
   */
  readonly cachedStreams?: number;
  /**
   * Loads the streams of aggregates that declare a snapshot (`AggregateDefinition.snapshot`) from
   * their newest snapshot, and takes a new one once a load read this many events past it; no
   * snapshots when absent. Each snapshot keeps a filter of the command ids stored up to it, so that
   * a command stored before it and sent again is answered as the duplicate it is, on every store.
   */
  readonly snapshotEvery?: number;
  /** Told of every refusal (validation, authorization, domain rule, store), e.g. to keep a security log. */
  readonly onRefused?: (refusal: RefusedCommand) => void | Promise<void>;
  /**
   * Whether commands emit OpenTelemetry spans and metrics and carry their trace into the events
   * (default true; a no-op until an SDK is registered). False for bulk work a registered SDK should
   * not see command by command, such as replaying a log into a new store.
   */
  readonly telemetry?: boolean;
}

export interface LoadedAggregate<S> {
  readonly state: S;
  /** The stream's last revision, -1 when it does not exist yet. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

export interface CommandHandler {
  /** Decodes, authorizes, loads, decides and appends one command for the given aggregate. */
  handle(definition: AnyAggregateDefinition, command: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
  /** Loads and folds one stream: the state a command would be decided against. */
  load<S>(definition: AnyAggregateDefinition, streamId: string): Promise<E.Either<StoreError, LoadedAggregate<S>>>;
}
