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

interface StreamState {
  readonly records: StoredRecord[];
  /** Revisions below this are hidden by a soft delete; the next append continues the numbering. */
  truncateBefore: bigint;
  tombstoned: boolean;
}

export const comparePositions = (left: LogPosition, right: LogPosition): number =>
  left.commit !== right.commit ? (left.commit < right.commit ? -1 : 1) : left.prepare === right.prepare ? 0 : left.prepare < right.prepare ? -1 : 1;

const TICKS_PER_MILLISECOND = 10_000n;
const TICKS_AT_UNIX_EPOCH = 0n;
/** Roughly what a record header costs in the real transaction file; only the order matters. */
const RECORD_OVERHEAD = 128n;
/** Revision of the `$streamDeleted` marker the server writes into a tombstoned stream. */
export const TOMBSTONE_REVISION = 2n ** 63n - 1n;

/**
 * How commit positions are given out. `perEvent`: every event commits itself, commit position =
 * prepare position = its own log position, as current servers record gRPC appends. `commitRecord`:
 * each append ends with a commit record and its events carry that record's position as their commit
 * position, as events of explicit transactions do; commit and prepare then differ.
 */
export type CommitMode = 'perEvent' | 'commitRecord';

/** The test server's storage: one transaction log in `$all` order and an index of streams. */
export class InMemoryLog {
  readonly all: StoredRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  // The real log starts with the server's own records, so no user event sits at position 0.
  private nextLogPosition = 1024n;
  private listeners = new Set<(records: readonly StoredRecord[]) => void>();

  constructor(
    private readonly clock: () => Date,
    private readonly commitMode: CommitMode = 'perEvent',
  ) {}

  onAppend(listener: (records: readonly StoredRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The stream's last revision, or undefined when it does not exist (never written, or deleted). */
  currentRevision(streamName: string): bigint | undefined {
    const stream = this.streams.get(streamName);
    if (stream === undefined || stream.tombstoned) return undefined;
    const last = stream.records[stream.records.length - 1];
    if (last === undefined || last.revision < stream.truncateBefore) return undefined;
    return last.revision;
  }

  isTombstoned(streamName: string): boolean {
    return this.streams.get(streamName)?.tombstoned ?? false;
  }

  /** The visible events of a stream, or undefined when it does not exist. */
  visibleRecords(streamName: string): StoredRecord[] | undefined {
    const stream = this.streams.get(streamName);
    if (stream === undefined || stream.tombstoned) return undefined;
    const visible = stream.records.filter((record) => record.revision >= stream.truncateBefore);
    return visible.length === 0 ? undefined : visible;
  }

  append(streamName: string, expected: ExpectedState, proposed: readonly ProposedRecord[]): AppendOutcome {
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned === true) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    const idempotent = this.findRetry(stream, current, expected, proposed);
    if (idempotent !== undefined) return idempotent;
    const accepted =
      expected.kind === 'any' ||
      (expected.kind === 'noStream' && current === undefined) ||
      (expected.kind === 'streamExists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision);
    if (!accepted) return { kind: 'wrongExpectedVersion', currentRevision: current };
    if (proposed.length === 0) {
      // An empty write only checks the expected revision, as on the server.
      return { kind: 'written', currentRevision: current ?? -1n, position: this.lastPosition() };
    }
    const state = stream ?? { records: [], truncateBefore: 0n, tombstoned: false };
    if (stream === undefined) this.streams.set(streamName, state);
    const firstRevision = (state.records[state.records.length - 1]?.revision ?? -1n) + 1n;
    const written = this.writeTransaction(
      proposed.map((record, index) => ({ ...record, streamName, revision: firstRevision + BigInt(index) })),
    );
    state.records.push(...written);
    return { kind: 'written', currentRevision: written[written.length - 1]!.revision, position: written[written.length - 1]!.position };
  }

  /** A soft delete: the stream reads as not found, and a later append continues its revisions. */
  delete(streamName: string, expected: ExpectedState): DeleteOutcome {
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned === true) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    if (!this.accepts(expected, current)) return { kind: 'wrongExpectedVersion', currentRevision: current };
    if (stream === undefined || current === undefined) return { kind: 'deleted', position: this.lastPosition() };
    stream.truncateBefore = current + 1n;
    const metadata = new TextEncoder().encode(JSON.stringify({ $tb: Number(current + 1n) }));
    const [marker] = this.writeTransaction([
      { streamName: `$$${streamName}`, revision: this.nextMetadataRevision(streamName), eventId: randomLikeId(this.all.length), type: '$metadata', contentType: 'application/json', data: metadata, customMetadata: new Uint8Array() },
    ]);
    return { kind: 'deleted', position: marker!.position };
  }

  /** A hard delete: the stream can never be read or written again. */
  tombstone(streamName: string, expected: ExpectedState): DeleteOutcome {
    const existing = this.streams.get(streamName);
    if (existing?.tombstoned === true) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    if (!this.accepts(expected, current)) return { kind: 'wrongExpectedVersion', currentRevision: current };
    const stream = existing ?? { records: [], truncateBefore: 0n, tombstoned: false };
    if (existing === undefined) this.streams.set(streamName, stream);
    stream.tombstoned = true;
    const [marker] = this.writeTransaction([
      { streamName, revision: TOMBSTONE_REVISION, eventId: randomLikeId(this.all.length), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(), customMetadata: new Uint8Array() },
    ]);
    return { kind: 'deleted', position: marker!.position };
  }

  lastPosition(): LogPosition {
    return this.all[this.all.length - 1]?.position ?? { commit: 0n, prepare: 0n };
  }

  private accepts(expected: ExpectedState, current: bigint | undefined): boolean {
    return (
      expected.kind === 'any' ||
      (expected.kind === 'noStream' && current === undefined) ||
      (expected.kind === 'streamExists' && current !== undefined) ||
      (expected.kind === 'revision' && current === expected.revision)
    );
  }

  /**
   * The server's idempotency: the batch's ids are already the events right after the expected
   * revision (or anywhere in the stream for `any`), so it answers success and writes nothing. A
   * batch whose first id matches but whose later ids do not is a wrong expected version.
   */
  private findRetry(
    stream: StreamState | undefined,
    current: bigint | undefined,
    expected: ExpectedState,
    proposed: readonly ProposedRecord[],
  ): AppendOutcome | undefined {
    const first = proposed[0];
    if (stream === undefined || first === undefined) return undefined;
    let start: number;
    if (expected.kind === 'revision') start = stream.records.findIndex((record) => record.revision === expected.revision + 1n);
    else if (expected.kind === 'noStream') start = stream.records.findIndex((record) => record.revision === stream.truncateBefore);
    else start = stream.records.findIndex((record) => record.eventId === first.eventId && record.revision >= stream.truncateBefore);
    if (start < 0 || stream.records[start]?.eventId !== first.eventId) return undefined;
    const matched = proposed.every((record, offset) => stream.records[start + offset]?.eventId === record.eventId);
    if (!matched) return { kind: 'wrongExpectedVersion', currentRevision: current };
    const last = stream.records[start + proposed.length - 1]!;
    return { kind: 'idempotent', currentRevision: last.revision, position: last.position };
  }

  private nextMetadataRevision(streamName: string): bigint {
    const metadataStream = `$$${streamName}`;
    return BigInt(this.all.filter((record) => record.streamName === metadataStream).length);
  }

  private writeTransaction(records: ReadonlyArray<Omit<StoredRecord, 'position' | 'created'>>): StoredRecord[] {
    const created = BigInt(this.clock().getTime()) * TICKS_PER_MILLISECOND + TICKS_AT_UNIX_EPOCH;
    const prepares = records.map((record) => {
      const prepare = this.nextLogPosition;
      this.nextLogPosition += RECORD_OVERHEAD + BigInt(record.data.length + record.customMetadata.length + record.streamName.length);
      return prepare;
    });
    const commitRecord = this.nextLogPosition;
    if (this.commitMode === 'commitRecord') this.nextLogPosition += RECORD_OVERHEAD;
    const written = records.map(
      (record, index): StoredRecord => ({
        ...record,
        created,
        position: { commit: this.commitMode === 'commitRecord' ? commitRecord : prepares[index]!, prepare: prepares[index]! },
      }),
    );
    this.all.push(...written);
    for (const listener of [...this.listeners]) listener(written);
    return written;
  }
}

/** Ids of the server's own records: unique and stable, which is all the test double needs. */
const randomLikeId = (seed: number): string => {
  const hex = seed.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
};
