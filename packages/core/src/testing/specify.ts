import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { AggregateDefinition } from '../aggregate.js';
import { decodeCommand } from '../command-handling/index.js';
import { fold } from '../decider.js';
import type { DomainError } from '../errors.js';
import type { Command, DomainEvent } from '../messages.js';

export interface Specification<E extends DomainEvent> {
  given(events: readonly E[]): {
    when(command: unknown): {
      /** Asserts the command is accepted and produces exactly these events. */
      then(expected: readonly E[]): void;
      /** Asserts the command is refused with this code (and a message containing the text, if given). */
      thenRefused(code: string, messageContains?: string): DomainError;
      /** The raw decision, for assertions of one's own. */
      decision(): E.Either<DomainError, readonly E[]>;
    };
  };
}

/**
 * Given / when / then for an aggregate: given past events, when a command (as JSON would send it),
 * then these events or this refusal. Runs what command handling runs, minus the store: decode,
 * authorize, fold, decide.
 */
export const specify = <C extends Command, E extends DomainEvent, S>(
  definition: AggregateDefinition<C, E, S>,
): Specification<E> => ({
  given: (events) => ({
    when: (raw) => {
      const decision = (): E.Either<DomainError, readonly E[]> => {
        const decoded = decodeCommand(definition.commandSchema, raw);
        if (E.isLeft(decoded)) return decoded;
        const authorized = definition.authorize(decoded.right);
        if (E.isLeft(authorized)) return authorized;
        return definition.decider.decide(decoded.right, fold(definition.decider, events));
      };
      return {
        decision,
        then: (expected) => {
          const result = decision();
          if (E.isLeft(result)) {
            expect.fail(`expected events but the command was refused: ${result.left.code}: ${result.left.message}`);
          } else {
            expect(result.right).toEqual(expected);
          }
        },
        thenRefused: (code, messageContains) => {
          const result = decision();
          if (E.isRight(result)) {
            expect.fail(`expected a ${code} refusal but the command produced ${JSON.stringify(result.right)}`);
          }
          const error = (result as E.Left<DomainError>).left;
          expect({ code: error.code, message: error.message }).toEqual({
            code,
            message: messageContains === undefined ? error.message : expect.stringContaining(messageContains),
          });
          return error;
        },
      };
    },
  }),
});
