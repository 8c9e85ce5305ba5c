import { randomUUID } from 'node:crypto';
import type { EventStoreDBClient, ResolvedEvent } from '@eventstore/db-client';
import { BACKWARDS, END, NO_STREAM, WrongExpectedVersionError, jsonEvent } from '@eventstore/db-client';
import type { ProjectionSnapshot, ProjectionStore, SecondWriter, StoreError } from '@aftersales/core';
import { corruptedEvent, secondWriter, storeUnavailable } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { toStoreError } from './errors.js';

/**
 * Checkpoint streams live under a `$` prefix: EventStoreDB treats them as system streams, so they
 * stay out of every reader of `$all` that skips system events (this adapter's `readAll` and
 * subscriptions among them) and never feed a projection.
 */
export const CHECKPOINT_STREAM_PREFIX = '$aftersales-checkpoint-';

export const checkpointStreamOf = (projection: string): string => `${CHECKPOINT_STREAM_PREFIX}${projection}`;

const Saved = z.object({ position: z.string().regex(/^\d+$/), state: z.unknown() });

export interface EventStoreDBProjectionStoreOptions {
  /** How many saved snapshots EventStoreDB keeps per projection before scavenging (default 10). */
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
 * load reads the last event backwards. A save is appended at the revision it read, so a second
 * runner of the same projection makes the slower one fail with `SecondWriter`.
 */
export class EventStoreDBProjectionStore implements ProjectionStore {
  private readonly keepSnapshots: number;
  private readonly deadlineMs: number;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDBProjectionStoreOptions = {},
  ) {
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

  private async write(
    name: string,
    type: string,
    data: Record<string, unknown>,
    revision: bigint | undefined,
  ): Promise<E.Either<StoreError | 'moved', void>> {
    const stream = checkpointStreamOf(name);
    try {
      await this.client.appendToStream(stream, jsonEvent({ id: randomUUID(), type, data }), {
        expectedRevision: revision ?? NO_STREAM,
        deadline: this.deadlineMs,
      });
    } catch (thrown) {
      if (thrown instanceof WrongExpectedVersionError) return E.left('moved');
      return E.left(toStoreError(thrown));
    }
    if (revision === undefined) {
      // Old snapshots are only history; let the server scavenge all but the last few.
      await this.client.setStreamMetadata(stream, { maxCount: this.keepSnapshots }, { deadline: this.deadlineMs }).catch(() => undefined);
    }
    return E.right(undefined);
  }

  private async readHead(name: string): Promise<E.Either<StoreError, Head>> {
    const stream = checkpointStreamOf(name);
    const read: ResolvedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) read.push(resolved);
    } catch (thrown) {
      const error = toStoreError(thrown, stream);
      return error.code === 'StreamNotFound' ? E.right({ revision: undefined, snapshot: undefined }) : E.left(error);
    }
    const event = read[0]?.event;
    if (event === undefined) return E.right({ revision: undefined, snapshot: undefined });
    if (event.type === 'ProjectionReset') return E.right({ revision: event.revision, snapshot: undefined });
    const saved = Saved.safeParse(event.data);
    if (event.type !== 'ProjectionSaved' || !saved.success) {
      return E.left(corruptedEvent(stream, Number(event.revision), `the checkpoint of projection ${name} does not decode`));
    }
    return E.right({ revision: event.revision, snapshot: { state: saved.data.state, position: BigInt(saved.data.position) } });
  }
}
