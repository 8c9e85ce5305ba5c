import type { Either } from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import type { Decider } from './decider.js';
import type { DomainError } from './errors.js';
import type { Command, DomainEvent } from './messages.js';

/**
 * Everything command handling needs to know about one aggregate type: how to decode its commands and
 * events, which stream a command goes to, who may send it, and its decider.
 */
export interface AggregateDefinition<C extends Command = Command, E extends DomainEvent = DomainEvent, S = unknown> {
  /** The stream category, e.g. `RepairOrder`; streams are `<name>-<id>`. */
  readonly name: string;
  /** Decodes a whole command (`type`, `data`, `metadata`); a union discriminated on `type`. */
  readonly commandSchema: z.ZodType<C>;
  /** Decodes an event (`type`, `data`) read back from a store, after upcasting. */
  readonly eventSchema: z.ZodType<E>;
  readonly commandTypes: readonly C['type'][];
  readonly streamId: (command: C) => string;
  /** The role rules that need no state (who may send this type of command at all). */
  readonly authorize: (command: C) => Either<DomainError, void>;
  readonly decider: Decider<C, E, S>;
  /** Snapshots of the state, for aggregates whose streams grow long (see `CommandHandlerOptions.snapshotEvery`). */
  readonly snapshot?: SnapshotPolicy<S>;
}

/**
 * How an aggregate's state is kept beside its stream, so that a command on a long stream reads the
 * snapshot and the events after it instead of the whole stream. Only for states that hold no
 * personal data: a snapshot is stored as it is, never encrypted.
 */
export interface SnapshotPolicy<S> {
  /**
   * The version of the state's shape and of the `evolve` that builds it: raise it whenever either
   * changes, and snapshots of another version are passed over and taken again.
   */
  readonly version: number;
  /** Decodes a snapshot's state as read back. */
  readonly schema: z.ZodType<S>;
}

// The handler only needs the definition's shape, not its precise types.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAggregateDefinition = AggregateDefinition<any, any, any>;
