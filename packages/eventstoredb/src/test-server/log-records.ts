/** A position in `$all`: the order of the log is by commit position, then prepare position. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface StoredRecord {
  readonly streamName: string;
  readonly revision: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  /** Ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  readonly created: bigint;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
  readonly position: LogPosition;
}

export interface ProposedRecord {
  readonly eventId: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly customMetadata: Uint8Array;
}

export type ExpectedState =
  | { readonly kind: 'any' }
  | { readonly kind: 'noStream' }
  | { readonly kind: 'streamExists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | { readonly kind: 'written'; readonly currentRevision: bigint; readonly position: LogPosition }
  | { readonly kind: 'idempotent'; readonly currentRevision: bigint; readonly position: LogPosition }
  | { readonly kind: 'wrongExpectedVersion'; readonly currentRevision: bigint | undefined }
  | { readonly kind: 'streamDeleted' };

export type DeleteOutcome =
  | { readonly kind: 'deleted'; readonly position: LogPosition }
  | { readonly kind: 'wrongExpectedVersion'; readonly currentRevision: bigint | undefined }
  | { readonly kind: 'streamDeleted' };

/** The stream metadata the server acts on, read from the last `$metadata` event of `$$<stream>`. */
export interface StreamMetadata {
  readonly $tb?: number;
  readonly $maxCount?: number;
  /** Seconds. */
  readonly $maxAge?: number;
  readonly $acl?: Readonly<Record<string, string | readonly string[]>>;
  readonly [key: string]: unknown;
}

export const comparePositions = (left: LogPosition, right: LogPosition): number =>
  left.commit !== right.commit ? (left.commit < right.commit ? -1 : 1) : left.prepare === right.prepare ? 0 : left.prepare < right.prepare ? -1 : 1;

/** Revision of the `$streamDeleted` marker the server writes into a tombstoned stream. */
export const TOMBSTONE_REVISION = 2n ** 63n - 1n;

export const metadataStreamOf = (streamName: string): string => `$$${streamName}`;

/**
 * How commit positions are given out. `perEvent`: every event commits itself, commit position =
 * prepare position = its own log position, as current servers record gRPC appends. `commitRecord`:
 * each append ends with a commit record and its events carry that record's position as their commit
 * position, as events of explicit transactions do; commit and prepare then differ.
 */
export type CommitMode = 'perEvent' | 'commitRecord';

/** What a stream read sees: not there at all, or its visible events (none when all are hidden). */
export type StreamView = { readonly kind: 'notFound' } | { readonly kind: 'deleted' } | { readonly kind: 'found'; readonly records: StoredRecord[] };
