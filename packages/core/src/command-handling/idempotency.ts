import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors.js';
import { idempotencyConflict } from '../errors.js';
import { commandEventId, deterministicEventId } from '../event-ids.js';
import type { RecordedEvent } from '../messages.js';
import type { StreamHead } from './cache.js';
import type { ReceivedCommand } from './decode.js';
import type { CommandAccepted } from './types.js';

/**
 * Whether the first stored event of a command id came from this very command (same content digest),
 * or from a command that reused its id. Events stored before the digest was part of event ids
 * cannot tell, and are taken as the same command, as they always were.
 */
const isSameCommand = (first: RecordedEvent, { streamId, commandId, digest }: ReceivedCommand): boolean =>
  first.eventId === commandEventId(streamId, commandId, digest, 0) || first.eventId === deterministicEventId(streamId, commandId, 0);

/**
 * The answer to a command id handled before on this stream: what it stored, or its first refusal;
 * another command reusing the id is an `IdempotencyConflict`, which is reported like any refusal.
 */
export type EarlierAnswer =
  | { readonly kind: 'answer'; readonly result: E.Either<DomainError, CommandAccepted> }
  | { readonly kind: 'conflict'; readonly error: DomainError };

export const answerOfEarlier = (
  received: ReceivedCommand,
  head: StreamHead,
  earlier: readonly RecordedEvent[],
): EarlierAnswer | undefined => {
  const { command, streamId, commandId, digest } = received;
  const conflict = { kind: 'conflict', error: idempotencyConflict(streamId, commandId, command.type) } as const;
  if (earlier.length > 0) {
    if (!isSameCommand(earlier[0]!, received)) return conflict;
    return { kind: 'answer', result: E.right({ streamId, events: earlier, nextExpectedRevision: head.revision, duplicate: true }) };
  }
  const refused = head.refusals.get(commandId);
  if (refused === undefined) return undefined;
  const sameCommand = refused.commandDigest === undefined ? refused.commandType === command.type : refused.commandDigest === digest;
  return sameCommand ? { kind: 'answer', result: E.left(refused.error) } : conflict;
};
