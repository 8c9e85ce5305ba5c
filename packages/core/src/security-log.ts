import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import type { RefusedCommand } from './command-handler.js';
import type { EventStore } from './event-store.js';
import type { StoreError } from './errors.js';
import { deterministicEventId } from './event-ids.js';
import { Actor, Instant } from './messages.js';
import type { EventToAppend } from './messages.js';

/** Security log streams are `SecurityLog-<yyyy-mm-dd>`, one per business day, apart from every aggregate's stream. */
export const SECURITY_LOG_PREFIX = 'SecurityLog-';
export const COMMAND_REFUSED = 'CommandRefused';

/** The codes recorded by default: abuse of a role, and input that is not a valid command. */
export const SECURITY_CODES: readonly string[] = ['Forbidden', 'InvalidCommand'];

const MAX_TEXT = 2000;
const MAX_NAME = 200;

/** A refused command, as the security log keeps it: who tried what, when, and why it was refused. */
export const CommandRefused = z.strictObject({
  commandId: z.string().max(MAX_NAME).optional(),
  commandType: z.string().max(MAX_NAME).optional(),
  code: z.string().max(MAX_NAME),
  reason: z.string().max(MAX_TEXT),
  actor: Actor.optional(),
  /** The business time the command claimed, when it was a valid instant. */
  at: z.string().optional(),
  /** The aggregate stream the command was aimed at, when it got that far. */
  targetStreamId: z.string().max(MAX_NAME).optional(),
  /** What did not validate, for a malformed command (at most 20 issues). */
  issues: z.array(z.strictObject({ path: z.string().max(MAX_NAME), message: z.string().max(MAX_TEXT) })).max(20).optional(),
});
export type CommandRefused = z.infer<typeof CommandRefused>;

export interface SecurityLogOptions {
  readonly store: EventStore;
  /** Which refusal codes to record (default `Forbidden` and `InvalidCommand`). */
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

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 ? clip(value, max) : undefined;

/** A stable fingerprint of whatever was sent, so the same malformed input is recorded once. */
const fingerprint = (raw: unknown): string => {
  let serialized: string;
  try {
    serialized = canonicalJson(raw);
  } catch {
    serialized = `unserializable ${typeof raw}`;
  }
  return createHash('sha256').update(serialized).digest('hex').slice(0, 32);
};

/** Reads what can be read from a refused command, however malformed, without trusting any of it. */
export const describeRefusal = (refusal: RefusedCommand): CommandRefused => {
  const { command, error } = refusal;
  const metadata = field(command, 'metadata');
  const actor = Actor.safeParse(field(metadata, 'actor'));
  const at = Instant.safeParse(field(metadata, 'at'));
  const commandId = text(field(metadata, 'commandId'), MAX_NAME);
  const commandType = text(field(command, 'type'), MAX_NAME);
  const issues = 'issues' in error && Array.isArray(error.issues) ? (error.issues as readonly { path: string; message: string }[]) : undefined;
  return {
    ...(commandId === undefined ? {} : { commandId }),
    ...(commandType === undefined ? {} : { commandType }),
    code: clip(error.code, MAX_NAME),
    reason: clip(error.message, MAX_TEXT),
    ...(actor.success ? { actor: { id: clip(actor.data.id, MAX_NAME), role: clip(actor.data.role, MAX_NAME) } } : {}),
    ...(at.success ? { at: at.data } : {}),
    ...(refusal.streamId === undefined ? {} : { targetStreamId: clip(refusal.streamId, MAX_NAME) }),
    ...(issues === undefined
      ? {}
      : { issues: issues.slice(0, 20).map((issue) => ({ path: clip(String(issue.path), MAX_NAME), message: clip(String(issue.message), MAX_TEXT) })) }),
  };
};

/** The stream a refusal goes to: the business day written in its `at`, or `SecurityLog-undated`. */
export const securityLogStream = (refused: Pick<CommandRefused, 'at'>): string =>
  `${SECURITY_LOG_PREFIX}${refused.at === undefined ? 'undated' : refused.at.slice(0, 10)}`;

/**
 * The security log: give its `onRefused` to command handling. Each refused command whose code is
 * recorded becomes one `CommandRefused` event in a `SecurityLog-` stream, never in the aggregate's
 * stream. Its event id derives from the command id (or, without one, from the input itself), so the
 * same refused command sent again is recorded once.
 */
export const createSecurityLog = (options: SecurityLogOptions) => {
  const codes = new Set(options.codes ?? SECURITY_CODES);
  const clock = options.clock ?? (() => new Date());

  const record = async (refusal: RefusedCommand): Promise<E.Either<StoreError, void> | undefined> => {
    if (!codes.has(refusal.error.code)) return undefined;
    const refused = describeRefusal(refusal);
    const streamId = securityLogStream(refused);
    const commandId = refused.commandId ?? `refused-${fingerprint(refusal.command)}`;
    const event: EventToAppend = {
      eventId: deterministicEventId(streamId, commandId, 0),
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
