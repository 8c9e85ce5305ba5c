import * as E from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import type { AnyAggregateDefinition } from '../aggregate.js';
import { canonicalJson } from '../canonical-json.js';
import type { DomainError, StoreError, ValidationIssue } from '../errors.js';
import { corruptedEvent, invalidCommand } from '../errors.js';
import { sha256Hex } from '../hash-chain.js';
import type { Command, DomainEvent, RecordedEvent } from '../messages.js';
import type { Upcasting } from '../upcasting.js';

export const zodIssues = (error: z.ZodError): ValidationIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

export const decodeCommand = <C>(schema: z.ZodType<C>, raw: unknown): E.Either<DomainError, C> => {
  const parsed = schema.safeParse(raw);
  return parsed.success ? E.right(parsed.data) : E.left(invalidCommand(zodIssues(parsed.error)));
};

/**
 * What makes two commands with one id the same command: their type, data and actor (not their
 * business time). Computed on the decoded command, so a text that only differs by the spaces
 * trimmed from it is the same text.
 */
export const commandDigest = (command: Command): string =>
  sha256Hex(canonicalJson({ type: command.type, data: command.data, actor: command.metadata.actor }));

/** A decoded, authorized command with what every later step needs to know about it. */
export interface ReceivedCommand {
  readonly command: Command;
  readonly streamId: string;
  readonly commandId: string;
  readonly digest: string;
}

/** A command refused before its stream was read; the stream is known once the command decodes. */
export interface RefusedOnReceipt {
  readonly error: DomainError;
  readonly streamId?: string;
}

/** Decode, find the stream, authorize: the steps that need no store. */
export const receiveCommand = (definition: AnyAggregateDefinition, raw: unknown): E.Either<RefusedOnReceipt, ReceivedCommand> => {
  const decoded = decodeCommand<Command>(definition.commandSchema, raw);
  if (E.isLeft(decoded)) return E.left({ error: decoded.left });
  const command = decoded.right;
  const streamId = definition.streamId(command);
  const authorized = definition.authorize(command);
  if (E.isLeft(authorized)) return E.left({ error: authorized.left, streamId });
  return E.right({ command, streamId, commandId: command.metadata.commandId, digest: commandDigest(command) });
};

/**
 * Reads an event back into the decider's shape: upcast, decode. Decryption, where personal data is
 * encrypted, happens in the store's event pipeline (`withEventPipeline`) before this.
 */
export const decodeRecordedEvent = (
  definition: Pick<AnyAggregateDefinition, 'eventSchema'>,
  upcasting: Upcasting,
  recorded: RecordedEvent,
): E.Either<StoreError, DomainEvent> => {
  if (recorded.metadata.undecodable !== undefined) return E.left(corruptedEvent(recorded.streamId, recorded.revision, recorded.metadata.undecodable));
  const upcast = upcasting.upcast(recorded, recorded.type, recorded.metadata.schemaVersion, recorded.data);
  if (E.isLeft(upcast)) return upcast;
  const parsed = definition.eventSchema.safeParse({ type: recorded.type, data: upcast.right });
  if (!parsed.success) {
    const detail = zodIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return E.left(corruptedEvent(recorded.streamId, recorded.revision, `${recorded.type} does not decode (${detail})`));
  }
  return E.right(parsed.data as DomainEvent);
};
