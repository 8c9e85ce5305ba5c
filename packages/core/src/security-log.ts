import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import type { RefusedCommand } from './command-handling/index.js';
import type { EventStore } from './event-store.js';
import type { StoreError } from './errors.js';
import { deterministicEventId } from './event-ids.js';
import { sha256Hex } from './hash-chain.js';
import { Actor, IDENTIFIER_PATTERN, Instant } from './messages.js';
import type { EventToAppend } from './messages.js';

/** Security log streams are `SecurityLog-<yyyy-mm-dd>`, one per business day, apart from every aggregate's stream. */
export const SECURITY_LOG_PREFIX = 'SecurityLog-';
export const COMMAND_REFUSED = 'CommandRefused';

/** The codes recorded by default: abuse of a role, input that is not a valid command, a reused command id. */
export const SECURITY_CODES: readonly string[] = ['Forbidden', 'InvalidCommand', 'IdempotencyConflict'];

const MAX_TEXT = 2000;
const MAX_NAME = 200;
const MAX_FIELDS = 20;

/**
 * A refused command, as the security log keeps it: who tried what, when, why, and where the input
 * was wrong. It holds names from the input only where they are identifiers (command type, command
 * id, actor, field names), never the input's text, so that the log, which cannot be erased, holds
 * no personal data.
 */
export const CommandRefused = z.strictObject({
  commandId: z.string().max(MAX_NAME).optional(),
  commandType: z.string().max(MAX_NAME).optional(),
  code: z.string().max(MAX_NAME),
  /** Why, in words: the error's message, or for a malformed command the fields that did not validate. */
  reason: z.string().max(MAX_TEXT),
  actor: Actor.optional(),
  /** The business time the command claimed, when it was a valid instant. */
  at: z.string().optional(),
  /** The aggregate stream the command was aimed at, when it got that far. */
  targetStreamId: z.string().max(MAX_NAME).optional(),
  /** The fields that did not validate (at most 20), e.g. `data.customer.phone`; a name that is no identifier reads `?`. */
  fields: z.array(z.string().max(MAX_NAME)).max(MAX_FIELDS).optional(),
  /** Where in the caller's input the refused command was, e.g. `line 12` of a file. */
  position: z.string().max(MAX_NAME).optional(),
  /** What did not validate, as entries recorded before `fields` replaced it kept it. */
  issues: z.array(z.strictObject({ path: z.string().max(MAX_NAME), message: z.string().max(MAX_TEXT) })).max(MAX_FIELDS).optional(),
});
export type CommandRefused = z.infer<typeof CommandRefused>;

export interface SecurityLogOptions {
  readonly store: EventStore;
  /** Which refusal codes to record (default `Forbidden`, `InvalidCommand` and `IdempotencyConflict`). */
  readonly codes?: readonly string[];
  /** The time recorded for a command that carried no valid `at` (the system clock by default). */
  readonly clock?: () => Date;
  /** Told when a refusal could not be recorded; the refusal itself still reaches the caller. */
  readonly onFailure?: (error: StoreError, refused: CommandRefused) => void;
}

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;

/** The value when it is an identifier; anything else may be text a person wrote and is not kept. */
const identifier = (value: unknown): string | undefined => (typeof value === 'string' && IDENTIFIER_PATTERN.test(value) ? value : undefined);

/** A validation path with every segment that is not an identifier (a key the caller made up) replaced by `?`. */
const safePath = (path: string): string =>
  clip(
    path
      .split('.')
      .map((segment) => (segment === '' || IDENTIFIER_PATTERN.test(segment) ? segment : '?'))
      .join('.'),
    MAX_NAME,
  );

const issuesOf = (error: RefusedCommand['error']): readonly { readonly path: unknown }[] | undefined =>
  'issues' in error && Array.isArray(error.issues) ? (error.issues as readonly { readonly path: unknown }[]) : undefined;

/**
 * Reads what can be read from a refused command, however malformed, without trusting any of it, and
 * without keeping any of its text: a malformed command's reason names its fields, not what the
 * validation said about their values (a message may quote the input).
 */
export const describeRefusal = (refusal: RefusedCommand): CommandRefused => {
  const { command, error } = refusal;
  const metadata = field(command, 'metadata');
  const actorId = identifier(field(field(metadata, 'actor'), 'id'));
  const actorRole = identifier(field(field(metadata, 'actor'), 'role'));
  const at = Instant.safeParse(field(metadata, 'at'));
  const commandId = identifier(field(metadata, 'commandId'));
  const commandType = identifier(field(command, 'type'));
  const issues = issuesOf(error);
  const fields = issues === undefined ? undefined : [...new Set(issues.map((issue) => safePath(String(issue.path))))].slice(0, MAX_FIELDS);
  const reason =
    fields === undefined
      ? clip(error.message, MAX_TEXT)
      : `${error.code === 'InvalidCommand' ? 'invalid command' : error.code}: ${fields.map((path) => (path === '' ? '(the whole input)' : path)).join(', ')} did not validate`;
  return {
    ...(commandId === undefined ? {} : { commandId }),
    ...(commandType === undefined ? {} : { commandType }),
    code: clip(error.code, MAX_NAME),
    reason: clip(reason, MAX_TEXT),
    ...(actorId === undefined || actorRole === undefined ? {} : { actor: { id: actorId, role: actorRole } }),
    ...(at.success ? { at: at.data } : {}),
    ...(refusal.streamId === undefined ? {} : { targetStreamId: clip(refusal.streamId, MAX_NAME) }),
    ...(fields === undefined ? {} : { fields }),
    ...(refusal.position === undefined ? {} : { position: clip(refusal.position, MAX_NAME) }),
  };
};

/**
 * The identity of a refusal: everything that tells one attempt from another (command type, command
 * id, actor, code, fields, position, target and business day), and nothing else. The same attempt
 * sent again has the same identity; any attempt that differs in one of these has another.
 */
export const refusalIdentity = (refused: CommandRefused): string =>
  sha256Hex(
    canonicalJson({
      commandType: refused.commandType ?? null,
      commandId: refused.commandId ?? null,
      actor: refused.actor ?? null,
      code: refused.code,
      fields: refused.fields ?? null,
      position: refused.position ?? null,
      targetStreamId: refused.targetStreamId ?? null,
    }),
  ).slice(0, 32);

/** The stream a refusal goes to: the business day written in its `at`, or `SecurityLog-undated`. */
export const securityLogStream = (refused: Pick<CommandRefused, 'at'>): string =>
  `${SECURITY_LOG_PREFIX}${refused.at === undefined ? 'undated' : refused.at.slice(0, 10)}`;

/**
 * The security log: give its `onRefused` to command handling. Each refused command whose code is
 * recorded becomes one `CommandRefused` event in a `SecurityLog-` stream, never in the aggregate's
 * stream. Its event id derives from the whole refusal (`refusalIdentity`), so the same attempt sent
 * again is recorded once, and attempts that differ in actor, code or field are recorded apart even
 * when they share a command id.
 */
export const createSecurityLog = (options: SecurityLogOptions) => {
  const codes = new Set(options.codes ?? SECURITY_CODES);
  const clock = options.clock ?? (() => new Date());

  const record = async (refusal: RefusedCommand): Promise<E.Either<StoreError, void> | undefined> => {
    if (!codes.has(refusal.error.code)) return undefined;
    const refused = describeRefusal(refusal);
    const streamId = securityLogStream(refused);
    const identity = refusalIdentity(refused);
    const commandId = refused.commandId ?? `refused-${identity}`;
    const event: EventToAppend = {
      eventId: deterministicEventId(streamId, `refusal\u0000${identity}`, 0),
      type: COMMAND_REFUSED,
      data: refused,
      metadata: {
        commandId,
        correlationId: commandId,
        causationId: commandId,
        actor: refused.actor ?? { id: 'unknown', role: 'unknown' },
        occurredAt: refused.at ?? clock().toISOString(),
        schemaVersion: 1,
      },
    };
    const appended = await options.store.appendToStream(streamId, [event], { expectedRevision: 'any' });
    if (E.isLeft(appended)) {
      options.onFailure?.(appended.left, refused);
      return E.left(appended.left);
    }
    return E.right(undefined);
  };

  return {
    /** Records a refusal, if its code is one the log keeps; a `Left` when the store failed. */
    record,
    onRefused: async (refusal: RefusedCommand): Promise<void> => {
      await record(refusal);
    },
  };
};

export type SecurityLog = ReturnType<typeof createSecurityLog>;
