import { z } from 'zod';
import { TraceContext } from './telemetry.js';

/**
 * Who issued a command, as stored events and logs carry it: an identity and the role it acted in,
 * bounded so that one record cannot hold megabytes. Commands check it more strictly (`CommandActor`).
 */
export const Actor = z.strictObject({
  id: z.string().min(1).max(200),
  role: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof Actor>;

/**
 * An identifier in a command (`commandId`, `actor.id`, and every id a domain's commands carry):
 * 1–64 characters of `A–Z a–z 0–9 . _ : / -`, starting with a letter or digit, so that two ids
 * that look the same are the same id.
 */
export const IDENTIFIER_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
export const Identifier = z
  .string()
  .regex(IDENTIFIER_PATTERN, 'must be 1–64 characters of A–Z a–z 0–9 . _ : / -, starting with a letter or digit');

/** The first and last year a command's business time may lie in, as written. */
export const FIRST_BUSINESS_YEAR = 2000;
export const LAST_BUSINESS_YEAR = 2099;

/**
 * An ISO-8601 instant with an explicit offset (`Z` or `+08:00`), as the business saw it, dated
 * 2000-01-01 to 2099-12-31 as written: an instant outside the years any period can hold would be
 * accepted and then counted in no KPI.
 */
export const Instant = z.iso.datetime({ offset: true }).refine((text) => {
  const year = Number(text.slice(0, 4));
  return year >= FIRST_BUSINESS_YEAR && year <= LAST_BUSINESS_YEAR;
}, `must lie between ${FIRST_BUSINESS_YEAR}-01-01 and ${LAST_BUSINESS_YEAR}-12-31`);

/** The actor of a command: an identifier and a role name (the roles are the domain's business; their names are identifiers). */
export const CommandActor = z.strictObject({
  id: Identifier,
  role: Identifier,
});

export const CommandMetadata = z.strictObject({
  commandId: Identifier,
  actor: CommandActor,
  at: Instant,
  correlationId: Identifier.optional(),
  causationId: Identifier.optional(),
  /** The W3C trace the command was sent in, when the caller has no active span to hand it in (e.g. a line of a file). */
  traceparent: TraceContext.shape.traceparent.optional(),
  tracestate: TraceContext.shape.tracestate,
});
export type CommandMetadata = z.infer<typeof CommandMetadata>;

/** A command as data: what callers send, in code and as JSON. */
export interface Command<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
}

/** An event as a decider emits it: a fact, without storage concerns. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * Metadata of an event on its way into a store. `occurredAt` is the command's business time;
 * `schemaVersion` is the version of the event's data shape.
 */
export interface EventMetadataToAppend {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: Actor;
  readonly occurredAt: string;
  readonly schemaVersion: number;
  /**
   * The W3C trace context of the span that appended the event, when it was appended in a trace.
   * Diagnostic only: the hash chain does not cover it (see `HASH_EXCLUDED_METADATA`), so tracing or
   * not, and whatever trace a retry ran in, the log's business content and hashes are the same.
   */
  readonly trace?: TraceContext | undefined;
}

/**
 * Metadata of a stored event: what was appended, plus the store's clock and the integrity chain.
 * `hash` is SHA-256 over the canonical form of the event with `prevHash` and without `hash`.
 */
export interface RecordedEventMetadata extends EventMetadataToAppend {
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
  /**
   * Set by an event pipeline that passes over what it cannot decode (`undecodable: 'mark'`): why this
   * event could not be read (it does not decrypt, upcast or decode). Its data is then as stored.
   * Never stored: a read adds it.
   */
  readonly undecodable?: string;
  /**
   * Set by an event pipeline that upcast the event: the schema version it was stored with, while
   * `schemaVersion` is the version its data now has. Never stored: a read adds it.
   */
  readonly storedSchemaVersion?: number;
}

export interface EventToAppend<Type extends string = string, Data = unknown> {
  readonly eventId: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: EventMetadataToAppend;
}

/**
 * An event as a store returns it. Revisions count from 0 within a stream on every adapter;
 * global positions are ordered across the whole store and otherwise opaque.
 */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  readonly streamId: string;
  readonly revision: number;
  readonly globalPosition: bigint;
  readonly eventId: string;
  readonly type: Type;
  readonly data: Data;
  readonly metadata: RecordedEventMetadata;
}

/**
 * What every store accepts on append and requires on read, so that nothing can be written that
 * cannot be read back. Members it does not know are kept: the hash covers them.
 */
export const EventMetadataToAppendSchema = z.looseObject({
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string(),
  actor: Actor,
  occurredAt: z.string(),
  schemaVersion: z.number().int().positive(),
  /** A trace context that does not decode is dropped rather than making the event unreadable: nothing depends on it. */
  trace: TraceContext.optional().catch(undefined),
});

export const RecordedEventMetadataSchema = z.object({
  ...EventMetadataToAppendSchema.shape,
  recordedAt: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});
