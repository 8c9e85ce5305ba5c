import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition } from '../aggregate.js';
import type { DomainError } from '../errors.js';
import { businessTimeBackwards } from '../errors.js';
import type { DomainEvent } from '../messages.js';
import type { StreamHead } from './cache.js';
import type { ReceivedCommand } from './decode.js';

/** Decides a command, unless its business time precedes the stream's last event: business time never runs backwards. */
export const decideOnHead = (
  definition: AnyAggregateDefinition,
  { command, streamId }: ReceivedCommand,
  { state, lastAt }: StreamHead,
): E.Either<DomainError, readonly DomainEvent[]> =>
  lastAt !== undefined && Date.parse(command.metadata.at) < Date.parse(lastAt)
    ? E.left(businessTimeBackwards(streamId, command.type, command.metadata.at, lastAt))
    : definition.decider.decide(command, state);

/** The state after the decided events. */
export const evolveAll = (definition: AnyAggregateDefinition, state: unknown, events: readonly DomainEvent[]): unknown => {
  let next = state;
  for (const event of events) next = definition.decider.evolve(next, event);
  return next;
};
