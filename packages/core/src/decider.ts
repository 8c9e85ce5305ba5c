import type { Either } from 'fp-ts/lib/Either.js';
import type { DomainError } from './errors.js';
import type { Command, DomainEvent } from './messages.js';

/**
 * A decider (Chassaing): everything an aggregate is, as three pure values. `decide` is total, never
 * throws, and reads time, ids and the actor only from the command's metadata.
 */
export interface Decider<C extends Command, E extends DomainEvent, S, Err extends DomainError = DomainError> {
  readonly initialState: S;
  readonly decide: (command: C, state: S) => Either<Err, readonly E[]>;
  readonly evolve: (state: S, event: E) => S;
}

export const fold = <E extends DomainEvent, S>(
  decider: Pick<Decider<Command, E, S>, 'initialState' | 'evolve'>,
  events: Iterable<E>,
): S => {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
};
