/**
 * Every refusal and failure is a value with a stable `code` and a message a person can act on.
 * Codes are part of the public contract: callers match on them, messages may be reworded.
 */
export interface DomainError<Code extends string = string> {
  readonly code: Code;
  readonly message: string;
}

export interface ValidationIssue {
  /** Dotted path into the input, e.g. `data.customer.phone` or `data.workItems.0`. */
  readonly path: string;
  readonly message: string;
}

export interface InvalidCommand extends DomainError<'InvalidCommand'> {
  readonly issues: readonly ValidationIssue[];
}

export type Forbidden = DomainError<'Forbidden'>;

/** A command id already used on the stream by a command with another type, data or actor: the first command's result stands. */
export interface IdempotencyConflict extends DomainError<'IdempotencyConflict'> {
  readonly streamId: string;
  readonly commandId: string;
}

/** A command whose business time is earlier than that of the stream's last event: business time never runs backwards. */
export interface BusinessTimeBackwards extends DomainError<'InvalidTransition'> {
  readonly streamId: string;
  readonly at: string;
  readonly lastAt: string;
}

export type ExpectedRevision = 'any' | 'noStream' | 'streamExists' | number;

export interface ConcurrencyConflict extends DomainError<'ConcurrencyConflict'> {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  /** The stream's current revision, or `'noStream'` when it does not exist. */
  readonly actual: number | 'noStream';
}

export interface StreamNotFound extends DomainError<'StreamNotFound'> {
  readonly streamId: string;
}

/** The store could not be reached or did not answer in time. Retrying later is safe. */
export interface StoreUnavailable extends DomainError<'StoreUnavailable'> {
  readonly retryable: true;
  readonly cause?: unknown;
}

/** What was read back does not decode: a corrupted record, an unknown event version, a bad hash. */
export interface CorruptedEvent extends DomainError<'CorruptedEvent'> {
  readonly streamId: string;
  readonly revision: number;
}

/** The caller gave the store something it cannot hold (e.g. an empty batch, a malformed event id). */
export type InvalidAppend = DomainError<'InvalidAppend'>;

/** The store refused the caller's credentials or the stream's access rules. Retrying cannot help. */
export interface AccessDenied extends DomainError<'AccessDenied'> {
  readonly streamId: string;
}

/**
 * The store refused the call for a reason it does not say is transient (an error the adapter does
 * not know, an unsupported server). Retrying the same call cannot help; the message names the cause.
 */
export interface StoreRejected extends DomainError<'StoreRejected'> {
  readonly cause?: unknown;
}

export type StoreError = ConcurrencyConflict | StreamNotFound | StoreUnavailable | CorruptedEvent | InvalidAppend | AccessDenied | StoreRejected;

export const concurrencyConflict = (
  streamId: string,
  expected: ExpectedRevision,
  actual: number | 'noStream',
): ConcurrencyConflict => ({
  code: 'ConcurrencyConflict',
  message: `stream ${streamId} was expected at ${String(expected)} but is at ${String(actual)}`,
  streamId,
  expected,
  actual,
});

export const streamNotFound = (streamId: string): StreamNotFound => ({
  code: 'StreamNotFound',
  message: `stream ${streamId} does not exist`,
  streamId,
});

export const storeUnavailable = (message: string, cause?: unknown): StoreUnavailable =>
  cause === undefined
    ? { code: 'StoreUnavailable', message, retryable: true }
    : { code: 'StoreUnavailable', message, retryable: true, cause };

export const corruptedEvent = (streamId: string, revision: number, problem: string): CorruptedEvent => ({
  code: 'CorruptedEvent',
  message: `event ${streamId}@${revision}: ${problem}`,
  streamId,
  revision,
});

export const invalidAppend = (message: string): InvalidAppend => ({ code: 'InvalidAppend', message });

export const accessDenied = (streamId: string, message: string): AccessDenied => ({ code: 'AccessDenied', message, streamId });

export const storeRejected = (message: string, cause?: unknown): StoreRejected =>
  cause === undefined ? { code: 'StoreRejected', message } : { code: 'StoreRejected', message, cause };

export const forbidden = (message: string): Forbidden => ({ code: 'Forbidden', message });

export const idempotencyConflict = (streamId: string, commandId: string, commandType: string): IdempotencyConflict => ({
  code: 'IdempotencyConflict',
  message: `${commandType} refused: command id ${commandId} was already used on ${streamId} by a command with another type, data or actor; its result stands, and a new command needs a new id`,
  streamId,
  commandId,
});

export const businessTimeBackwards = (streamId: string, commandType: string, at: string, lastAt: string): BusinessTimeBackwards => ({
  code: 'InvalidTransition',
  message: `${commandType} refused: its business time ${at} is earlier than ${lastAt}, the time of the last event of ${streamId}; business time never runs backwards within a stream`,
  streamId,
  at,
  lastAt,
});

export const invalidCommand = (issues: readonly ValidationIssue[], summary?: string): InvalidCommand => ({
  code: 'InvalidCommand',
  message:
    summary ??
    `invalid command: ${issues.map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`)).join('; ')}`,
  issues,
});

/**
 * Async iteration can only signal failure by throwing; stores throw this, carrying the typed error,
 * and `collect` (in `event-store.ts`) turns it back into an `Either`.
 */
export class StoreFailure extends Error {
  constructor(readonly error: StoreError) {
    // A stream that does not exist yet is an answer, read before every new stream's first command,
    // not a fault to trace: capturing a stack for it is most of its cost.
    const limit = Error.stackTraceLimit;
    if (error.code === 'StreamNotFound') Error.stackTraceLimit = 0;
    try {
      super(error.message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = `StoreFailure(${error.code})`;
  }
}

export const isStoreFailure = (thrown: unknown): thrown is StoreFailure => thrown instanceof StoreFailure;
