import type { ProjectionSnapshot, ProjectionStore, StoreError } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { corruptedEvent, storeUnavailable } from '@aftersales/core';
import { secondWriter } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AnyClient, StreamsClient, WireEvent, WireExpectedRevision } from './client.js';
import { toStreamsClient } from './client.js';
import { appendRecord, readLastRecord } from './stream-io.js';

/**
 * Checkpoint streams: one per projection, under a prefix of their own. Not a `$` prefix, which only
 * `$admins` may use by default: a projection runs with an ordinary user. The adapter's readers of
 * `$all` leave these streams out (on the server, through the subscription filter), so a checkpoint
 * never feeds a projection.
 */
export const CHECKPOINT_STREAM_PREFIX = 'aftersales-checkpoint-';

/** Where checkpoints were kept before: read when a projection has none under the current prefix. */
export const LEGACY_CHECKPOINT_STREAM_PREFIX = '$aftersales-checkpoint-';

export const checkpointStreamOf = (projection: string): string => `${CHECKPOINT_STREAM_PREFIX}${projection}`;

const Saved = z.object({ position: z.string().regex(/^\d+$/), state: z.unknown() });
const Metadata = z.record(z.string(), z.unknown());

export interface EventStoreDBProjectionStoreOptions {
  /** How many saved snapshots the server keeps per projection before scavenging (default 10). */
  readonly keepSnapshots?: number;
  /** Deadline of each write (default 5 000 ms). */
  readonly deadlineMs?: number;
}

interface Head {
  readonly revision: bigint | undefined;
  readonly snapshot: ProjectionSnapshot | undefined;
}

/**
 * Projection state and checkpoint kept in EventStoreDB, one stream per projection: each save
 * appends a `ProjectionSaved` event (state and position), `reset` appends `ProjectionReset`, and a
 * load reads the last event backwards. Every read and write requires the leader, so a runner
 * connected to a follower never reads its own save stale. A save is appended at the revision it
 * read, so a second runner of the same projection makes the slower one fail with `SecondWriter`.
 */
export class EventStoreDBProjectionStore implements ProjectionStore {
  readonly dbSystem = 'eventstoredb';
  private readonly client: StreamsClient;
  private readonly keepSnapshots: number;
  private readonly deadlineMs: number;

  constructor(client: AnyClient, options: EventStoreDBProjectionStoreOptions = {}) {
    this.client = toStreamsClient(client);
    this.keepSnapshots = options.keepSnapshots ?? 10;
    this.deadlineMs = options.deadlineMs ?? 5_000;
  }

  async load(name: string): Promise<E.Either<StoreError, ProjectionSnapshot | undefined>> {
    const head = await this.readHead(name);
    return E.isLeft(head) ? head : E.right(head.right.snapshot);
  }

  async save(name: string, snapshot: ProjectionSnapshot, expected: bigint | undefined): Promise<E.Either<StoreError | SecondWriter, void>> {
    const head = await this.readHead(name);
    if (E.isLeft(head)) return head;
    const found = head.right.snapshot?.position;
    if (found !== expected) return E.left(secondWriter(name, expected, found));
    if (head.right.revision === undefined) {
      // Retention is set before the first snapshot, so a refusal leaves nothing half done.
      const retained = await this.keepOnlyRecent(name);
      if (E.isLeft(retained)) return retained;
    }
    const written = await this.write(name, 'ProjectionSaved', { position: snapshot.position.toString(), state: snapshot.state }, head.right.revision);
    if (E.isRight(written)) return E.right(undefined);
    if (written.left !== 'moved') return E.left(written.left);
    const now = await this.readHead(name);
    return E.left(E.isLeft(now) ? now.left : secondWriter(name, expected, now.right.snapshot?.position));
  }

  async reset(name: string): Promise<E.Either<StoreError, void>> {
    const head = await this.readHead(name);
    if (E.isLeft(head)) return head;
    if (head.right.snapshot === undefined) return E.right(undefined);
    const written = await this.write(name, 'ProjectionReset', {}, head.right.revision);
    if (E.isRight(written)) return written;
    return E.left(written.left === 'moved' ? storeUnavailable(`projection ${name}: another runner wrote while it was reset; try again`) : written.left);
  }

  private append(stream: string, type: string, data: Record<string, unknown>, expectedRevision: WireExpectedRevision): Promise<E.Either<StoreError | 'moved', void>> {
    return appendRecord(this.client, stream, { type, data, expectedRevision, deadlineMs: this.deadlineMs });
  }

  private write(name: string, type: string, data: Record<string, unknown>, revision: bigint | undefined): Promise<E.Either<StoreError | 'moved', void>> {
    return this.append(checkpointStreamOf(name), type, data, revision ?? 'no_stream');
  }

  /**
   * Sets `$maxCount` on the checkpoint stream, so the server scavenges old snapshots, keeping every
   * other setting an administrator put there (its `$acl` above all); an existing `$maxCount` is kept.
   */
  private async keepOnlyRecent(name: string): Promise<E.Either<StoreError, void>> {
    const metadataStream = `$$${checkpointStreamOf(name)}`;
    const last = await this.readLast(metadataStream);
    if (E.isLeft(last)) return last;
    let existing: Record<string, unknown> = {};
    if (last.right !== undefined) {
      const decoded = Metadata.safeParse(last.right.data);
      if (!decoded.success) return E.left(corruptedEvent(metadataStream, Number(last.right.revision), 'the stream metadata is not a JSON object'));
      existing = decoded.data;
    }
    if (existing.$maxCount !== undefined) return E.right(undefined);
    const written = await this.append(metadataStream, '$metadata', { ...existing, $maxCount: this.keepSnapshots }, last.right?.revision ?? 'no_stream');
    if (E.isRight(written)) return written;
    return E.left(written.left === 'moved' ? storeUnavailable(`projection ${name}: its stream metadata changed while it was set; try again`) : written.left);
  }

  private readLast(stream: string): Promise<E.Either<StoreError, WireEvent | undefined>> {
    return readLastRecord(this.client, stream);
  }

  private async readHead(name: string): Promise<E.Either<StoreError, Head>> {
    const stream = checkpointStreamOf(name);
    const read = await this.readLast(stream);
    if (E.isLeft(read)) return read;
    if (read.right === undefined) return this.readLegacyHead(name);
    return this.decodeHead(name, stream, read.right, read.right.revision);
  }

  /**
   * A projection with no checkpoint under the current prefix resumes from one under the old `$`
   * prefix, if its user may read it; the next save then starts the new stream.
   */
  private async readLegacyHead(name: string): Promise<E.Either<StoreError, Head>> {
    const stream = `${LEGACY_CHECKPOINT_STREAM_PREFIX}${name}`;
    const read = await this.readLast(stream);
    if (E.isLeft(read)) return read.left.code === 'AccessDenied' ? E.right({ revision: undefined, snapshot: undefined }) : read;
    if (read.right === undefined) return E.right({ revision: undefined, snapshot: undefined });
    return this.decodeHead(name, stream, read.right, undefined);
  }

  private decodeHead(name: string, stream: string, event: WireEvent, revision: bigint | undefined): E.Either<StoreError, Head> {
    if (event.type === 'ProjectionReset') return E.right({ revision, snapshot: undefined });
    const saved = Saved.safeParse(event.data);
    if (event.type !== 'ProjectionSaved' || !saved.success) {
      return E.left(corruptedEvent(stream, Number(event.revision), `the checkpoint of projection ${name} does not decode`));
    }
    return E.right({ revision, snapshot: { state: saved.data.state, position: BigInt(saved.data.position) } });
  }
}
