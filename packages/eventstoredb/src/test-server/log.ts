import type { AppendOutcome, CommitMode, DeleteOutcome, ExpectedState, LogPosition, ProposedRecord, StoredRecord, StreamMetadata, StreamView } from './log-records.js';
import { TOMBSTONE_REVISION, metadataStreamOf } from './log-records.js';

export type { AppendOutcome, CommitMode, DeleteOutcome, ExpectedState, LogPosition, ProposedRecord, StoredRecord, StreamMetadata, StreamView } from './log-records.js';
export { TOMBSTONE_REVISION, comparePositions, metadataStreamOf } from './log-records.js';

interface StreamState {
  readonly records: StoredRecord[];
  tombstoned: boolean;
}

const TICKS_PER_MILLISECOND = 10_000n;
/** Roughly what a record header costs in the real transaction file; only the order matters. */
const RECORD_OVERHEAD = 128n;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const parseMetadata = (data: Uint8Array): StreamMetadata => {
  try {
    const parsed: unknown = JSON.parse(decoder.decode(data));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as StreamMetadata) : {};
  } catch {
    return {};
  }
};

/**
 * The test server's storage: one transaction log in `$all` order and an index of streams. Stream
 * metadata works as on the server: the last `$metadata` event of `$$<stream>` holds `$tb`
 * (truncate before), `$maxCount` and `$maxAge`, which hide events from stream reads (not from
 * `$all`, as nothing is scavenged), and `$acl`. A soft delete is a `$tb` past the last event.
 */
export class InMemoryLog {
  readonly all: StoredRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  // The real log starts with the server's own records, so no user event sits at position 0.
  private nextLogPosition = 1024n;
  private listeners = new Set<(records: readonly StoredRecord[]) => void>();

  constructor(
    readonly clock: () => Date,
    private readonly commitMode: CommitMode = 'perEvent',
  ) {}

  onAppend(listener: (records: readonly StoredRecord[]) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The stream's metadata as the server reads it (empty when none was set). */
  metadataOf(streamName: string): StreamMetadata {
    const records = this.streams.get(metadataStreamOf(streamName))?.records;
    const last = records?.[records.length - 1];
    return last === undefined ? {} : parseMetadata(last.data);
  }

  /** The last revision ever written to the stream, hidden or not. */
  private lastWritten(streamName: string): bigint | undefined {
    const records = this.streams.get(streamName)?.records;
    return records?.[records.length - 1]?.revision;
  }

  /**
   * The stream's last revision for expected-version checks, or undefined when it does not exist:
   * never written, or soft-deleted (`$tb` past its last event). Events hidden by `$maxAge` or
   * `$maxCount` still count, as on the server.
   */
  currentRevision(streamName: string): bigint | undefined {
    const stream = this.streams.get(streamName);
    if (stream === undefined || stream.tombstoned) return undefined;
    const last = this.lastWritten(streamName);
    if (last === undefined) return undefined;
    const truncateBefore = this.metadataOf(streamName).$tb;
    return truncateBefore !== undefined && BigInt(truncateBefore) > last ? undefined : last;
  }

  isTombstoned(streamName: string): boolean {
    return this.streams.get(streamName)?.tombstoned ?? false;
  }

  /** The events of a stream a read returns, after `$tb`, `$maxCount` and `$maxAge`. */
  view(streamName: string): StreamView {
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned === true) return { kind: 'deleted' };
    if (stream === undefined || this.currentRevision(streamName) === undefined) return { kind: 'notFound' };
    const metadata = this.metadataOf(streamName);
    let records = stream.records;
    if (metadata.$tb !== undefined) records = records.filter((record) => record.revision >= BigInt(metadata.$tb!));
    if (metadata.$maxCount !== undefined) records = records.slice(Math.max(0, records.length - metadata.$maxCount));
    if (metadata.$maxAge !== undefined) {
      const oldest = BigInt(this.clock().getTime() - metadata.$maxAge * 1000) * TICKS_PER_MILLISECOND;
      records = records.filter((record) => record.created >= oldest);
    }
    return { kind: 'found', records };
  }

  /** The visible events of a stream, or undefined when it does not exist. */
  visibleRecords(streamName: string): StoredRecord[] | undefined {
    const view = this.view(streamName);
    return view.kind === 'found' ? view.records : undefined;
  }

  append(streamName: string, expected: ExpectedState, proposed: readonly ProposedRecord[]): AppendOutcome {
    const stream = this.streams.get(streamName);
    if (stream?.tombstoned === true) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    const idempotent = this.findRetry(streamName, current, expected, proposed);
    if (idempotent !== undefined) return idempotent;
    if (!this.accepts(expected, current)) return { kind: 'wrongExpectedVersion', currentRevision: current };
    if (proposed.length === 0) {
      // An empty write only checks the expected revision, as on the server.
      return { kind: 'written', currentRevision: current ?? -1n, position: this.lastPosition() };
    }
    const firstRevision = (this.lastWritten(streamName) ?? -1n) + 1n;
    const written = this.writeTransaction(proposed.map((record, index) => ({ ...record, streamName, revision: firstRevision + BigInt(index) })));
    return { kind: 'written', currentRevision: written[written.length - 1]!.revision, position: written[written.length - 1]!.position };
  }

  /** A soft delete: `$tb` past the last event, so the stream reads as not found and a later append continues its revisions. */
  delete(streamName: string, expected: ExpectedState): DeleteOutcome {
    if (this.isTombstoned(streamName)) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    if (!this.accepts(expected, current)) return { kind: 'wrongExpectedVersion', currentRevision: current };
    if (current === undefined) return { kind: 'deleted', position: this.lastPosition() };
    const [marker] = this.writeMetadata(streamName, { ...this.metadataOf(streamName), $tb: Number(current + 1n) });
    return { kind: 'deleted', position: marker!.position };
  }

  /** A hard delete: the stream can never be read or written again. */
  tombstone(streamName: string, expected: ExpectedState): DeleteOutcome {
    if (this.isTombstoned(streamName)) return { kind: 'streamDeleted' };
    const current = this.currentRevision(streamName);
    if (!this.accepts(expected, current)) return { kind: 'wrongExpectedVersion', currentRevision: current };
    const [marker] = this.writeTransaction([
      { streamName, revision: TOMBSTONE_REVISION, eventId: randomLikeId(this.all.length), type: '$streamDeleted', contentType: 'application/octet-stream', data: new Uint8Array(), customMetadata: new Uint8Array() },
    ]);
    return { kind: 'deleted', position: marker!.position };
  }

  /** Writes a stream's metadata as the server's own `$metadata` event in `$$<stream>`. */
  writeMetadata(streamName: string, metadata: StreamMetadata): StoredRecord[] {
    const metadataStream = metadataStreamOf(streamName);
    return this.writeTransaction([
      {
        streamName: metadataStream,
        revision: (this.lastWritten(metadataStream) ?? -1n) + 1n,
        eventId: randomLikeId(this.all.length),
        type: '$metadata',
        contentType: 'application/json',
        data: encoder.encode(JSON.stringify(metadata)),
        customMetadata: new Uint8Array(),
      },
    ]);
  }

  /**
   * What a fresh server holds before any client writes: its epoch and settings records, the
   * default users' streams, and a statistics event, all in `$`-prefixed streams.
   */
  seedSystemRecords(): void {
    const json = (value: unknown) => encoder.encode(JSON.stringify(value));
    const system = (streamName: string, type: string, data: unknown) => ({
      streamName,
      revision: (this.lastWritten(streamName) ?? -1n) + 1n,
      eventId: randomLikeId(this.all.length),
      type,
      contentType: 'application/json',
      data: json(data),
      customMetadata: new Uint8Array(),
    });
    this.writeTransaction([system('$epochs', '$epoch-information', { epochNumber: 0 })]);
    this.writeTransaction([system('$users', '$User', 'admin')]);
    this.writeTransaction([system('$user-admin', '$user', { loginName: 'admin', groups: ['$admins'] })]);
    this.writeTransaction([system('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-mem': 1 })]);
  }

  /** Writes an event as another application would: any stream, any metadata, no expected revision. */
  appendForeign(streamName: string, type: string, data: unknown, metadata: unknown): StoredRecord {
    const [record] = this.writeTransaction([
      {
        streamName,
        revision: (this.lastWritten(streamName) ?? -1n) + 1n,
        eventId: randomLikeId(this.all.length),
        type,
        contentType: 'application/json',
        data: encoder.encode(JSON.stringify(data)),
        customMetadata: encoder.encode(JSON.stringify(metadata)),
      },
    ]);
    return record!;
  }

  /** Takes records written elsewhere, positions and all: how a follower receives the leader's log. */
  ingest(records: readonly StoredRecord[]): void {
    for (const record of records) this.index(record);
    this.all.push(...records);
    const last = records[records.length - 1];
    if (last !== undefined && last.position.prepare >= this.nextLogPosition) this.nextLogPosition = last.position.prepare + RECORD_OVERHEAD;
    for (const listener of [...this.listeners]) listener(records);
  }

  lastPosition(): LogPosition {
    return this.all[this.all.length - 1]?.position ?? { commit: 0n, prepare: 0n };
  }

  private index(record: StoredRecord): void {
    let stream = this.streams.get(record.streamName);
    if (stream === undefined) {
      stream = { records: [], tombstoned: false };
      this.streams.set(record.streamName, stream);
    }
    if (record.type === '$streamDeleted') stream.tombstoned = true;
    else stream.records.push(record);
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
    streamName: string,
    current: bigint | undefined,
    expected: ExpectedState,
    proposed: readonly ProposedRecord[],
  ): AppendOutcome | undefined {
    const stream = this.streams.get(streamName);
    const first = proposed[0];
    if (stream === undefined || first === undefined) return undefined;
    const truncateBefore = BigInt(this.metadataOf(streamName).$tb ?? 0);
    let start: number;
    if (expected.kind === 'revision') start = stream.records.findIndex((record) => record.revision === expected.revision + 1n);
    else if (expected.kind === 'noStream') start = stream.records.findIndex((record) => record.revision >= truncateBefore);
    else start = stream.records.findIndex((record) => record.eventId === first.eventId && record.revision >= truncateBefore);
    if (start < 0 || stream.records[start]?.eventId !== first.eventId) return undefined;
    const matched = proposed.every((record, offset) => stream.records[start + offset]?.eventId === record.eventId);
    if (!matched) return { kind: 'wrongExpectedVersion', currentRevision: current };
    const last = stream.records[start + proposed.length - 1]!;
    return { kind: 'idempotent', currentRevision: last.revision, position: last.position };
  }

  private writeTransaction(records: ReadonlyArray<Omit<StoredRecord, 'position' | 'created'>>): StoredRecord[] {
    const created = BigInt(this.clock().getTime()) * TICKS_PER_MILLISECOND;
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
    for (const record of written) this.index(record);
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
