import * as E from 'fp-ts/lib/Either.js';
import type { DomainError, EventStore, RecordedEvent, StoreError, Subscription } from '@aftersales/core';
import type { SecondWriter } from '@aftersales/core/adapter-kit';
import { lagBehindHead, positionsBetween } from '@aftersales/core/adapter-kit';
import { isStoreFailure, storeUnavailable } from '@aftersales/core';
import type { BackendError, Checkpoint, ReadModelBackend, ReadModelName } from './backend.js';
import { READ_MODELS } from './backend.js';
import type { KpiQueryCache } from './kpi-cache.js';
import type { ProjectionSettings } from './projector.js';
import { projectBatch } from './projector.js';
import { readModelsTelemetry } from './telemetry.js';

/** The head a read model recorded is not in the log as recorded: the log or the read model was changed. */
export interface ReadModelMismatch extends DomainError<'ReadModelMismatch'> {
  readonly readModel: ReadModelName;
}
export type InvalidQuery = DomainError<'InvalidQuery'>;
export type ReadModelTimeout = DomainError<'ReadModelTimeout'>;
export type ReadModelError = BackendError | SecondWriter | ReadModelMismatch | InvalidQuery | ReadModelTimeout;

export const thrownError = (thrown: unknown): StoreError =>
  isStoreFailure(thrown) ? thrown.error : storeUnavailable(`reading the log failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown);

/** Whether the event a checkpoint names is in the log as recorded: same stream, revision, position and hash. */
export const headInLog = async (store: EventStore, checkpoint: Checkpoint): Promise<E.Either<StoreError, boolean>> => {
  try {
    for await (const event of store.readStream(checkpoint.streamId, { from: checkpoint.revision, maxCount: 1 })) {
      return E.right(event.revision === checkpoint.revision && event.globalPosition === checkpoint.position && event.metadata.hash === checkpoint.hash);
    }
    return E.right(false);
  } catch (thrown) {
    const error = thrownError(thrown);
    return error.code === 'StreamNotFound' ? E.right(false) : E.left(error);
  }
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RunnerOptions {
  readonly store: EventStore;
  readonly backend: ReadModelBackend;
  readonly settings: ProjectionSettings;
  /** Told of every batch this runner commits, so that the KPI answers it keeps stay current. */
  readonly kpiCache: KpiQueryCache;
  readonly batchSize: number;
  readonly pollMs: number;
  readonly followBatchMs: number;
}

/**
 * The writing side of the read models: opens the backend and proves each read model's head against
 * the log, applies the log in batches (each one transaction with its checkpoints), follows live
 * events, and knows the checkpoints every query answers from.
 */
export const createRunner = (options: RunnerOptions) => {
  const { store, backend, settings, kpiCache, batchSize, pollMs, followBatchMs } = options;
  const { versions } = settings;
  let opened: Promise<E.Either<ReadModelError, void>> | undefined;
  let checkpoints: ReadonlyMap<ReadModelName, Checkpoint> = new Map();
  const mismatches = new Map<ReadModelName, ReadModelMismatch>();
  const committed = new Set<() => void>();
  let follower: { subscription: Subscription; done: Promise<E.Either<ReadModelError, void>> } | undefined;
  const telemetry = readModelsTelemetry(backend.kind);

  const reload = async (): Promise<E.Either<ReadModelError, void>> => {
    const stored = await backend.checkpoints();
    if (E.isLeft(stored)) return stored;
    checkpoints = stored.right;
    return E.right(undefined);
  };

  const open = async (): Promise<E.Either<ReadModelError, void>> => {
    const ready = await backend.open();
    if (E.isLeft(ready)) return ready;
    const loaded = await reload();
    if (E.isLeft(loaded)) return loaded;
    for (const readModel of READ_MODELS) {
      const checkpoint = checkpoints.get(readModel);
      if (checkpoint === undefined) continue;
      if (checkpoint.version !== versions[readModel]) {
        const reset = await backend.reset(readModel);
        if (E.isLeft(reset)) return reset;
        continue;
      }
      const proven = await headInLog(store, checkpoint);
      if (E.isLeft(proven)) return proven;
      if (!proven.right) {
        mismatches.set(readModel, {
          code: 'ReadModelMismatch',
          readModel,
          message: `read model ${readModel}: its checkpoint names ${checkpoint.streamId}@${checkpoint.revision} at position ${checkpoint.position} with hash ${checkpoint.hash.slice(0, 12)}…, which the log does not hold; it will not answer until it is rebuilt`,
        });
      }
    }
    return reload();
  };

  const ensureOpen = (): Promise<E.Either<ReadModelError, void>> => {
    opened ??= open().then((result) => {
      if (E.isLeft(result)) opened = undefined;
      return result;
    });
    return opened;
  };

  /**
   * Applies a batch, going round again when another instance committed part of it first. `lag` is
   * how far behind the log's head the batch leaves the read models, where the caller knows it.
   */
  const applyBatch = (events: readonly RecordedEvent[], lag: number | Promise<number | undefined> | undefined): Promise<E.Either<ReadModelError, void>> =>
    telemetry.batch(events, lag, async (): Promise<E.Either<ReadModelError, readonly Checkpoint[]>> => {
      for (;;) {
        const write = await projectBatch(backend, events, checkpoints, settings);
        if (E.isLeft(write)) return write;
        if (write.right.checkpoints.length === 0) return E.right([]);
        const result = await backend.commit(write.right);
        if (E.isRight(result)) {
          const next = new Map(checkpoints);
          for (const moved of write.right.checkpoints) {
            next.set(moved.next.readModel, moved.next);
            if (moved.next.readModel === 'kpi-facts') kpiCache.committed(moved.expected, moved.next.position, write.right.subjects);
          }
          checkpoints = next;
          for (const wake of committed) wake();
          return E.right(write.right.checkpoints.map((moved) => moved.next));
        }
        if (result.left.code !== 'SecondWriter') return result;
        const loaded = await reload();
        if (E.isLeft(loaded)) return loaded;
      }
    });

  const lowestPosition = (): bigint | undefined => {
    let lowest: bigint | undefined;
    for (const readModel of READ_MODELS) {
      const position = checkpoints.get(readModel)?.position;
      if (position === undefined) return undefined;
      if (lowest === undefined || position < lowest) lowest = position;
    }
    return lowest;
  };

  const catchUp = async (catchUpOptions: { readonly until?: bigint } = {}): Promise<E.Either<ReadModelError, void>> => {
    const { until } = catchUpOptions;
    const ready = await ensureOpen();
    if (E.isLeft(ready)) return ready;
    const refused = mismatches.values().next().value;
    if (refused !== undefined) return E.left(refused);
    const after = lowestPosition();
    let batch: RecordedEvent[] = [];
    try {
      for await (const event of store.readAll(after === undefined ? {} : { after })) {
        if (until !== undefined && event.globalPosition > until) break;
        batch.push(event);
        if (batch.length < batchSize) continue;
        // The head is read while the batch commits: one read per batch, for its lag.
        const applied = await applyBatch(batch, lagBehindHead(store, event.globalPosition));
        if (E.isLeft(applied)) return applied;
        batch = [];
      }
    } catch (thrown) {
      return E.left(thrownError(thrown));
    }
    if (batch.length > 0) {
      // The log has been read to its end (or to `until`): a store that cannot tell its head is taken to be there.
      const applied = await applyBatch(batch, lagBehindHead(store, batch.at(-1)!.globalPosition) ?? 0);
      if (E.isLeft(applied)) return applied;
    }
    return backend.ensureIndexes();
  };

  /** Follows live events: a reader fills a queue, a writer commits whatever has queued up (after `followBatchMs`) as one batch. */
  const follow = (subscription: Subscription): Promise<E.Either<ReadModelError, void>> => {
    const queue: RecordedEvent[] = [];
    let ended = false;
    let failure: ReadModelError | undefined;
    let wakeWriter: (() => void) | undefined;
    let wakeReader: (() => void) | undefined;
    const reading = (async () => {
      try {
        for await (const event of subscription) {
          queue.push(event);
          wakeWriter?.();
          if (queue.length >= batchSize * 4) await new Promise<void>((resolve) => (wakeReader = resolve));
        }
      } catch (thrown) {
        failure ??= thrownError(thrown);
      } finally {
        ended = true;
        wakeWriter?.();
      }
    })();
    const writing = async (): Promise<E.Either<ReadModelError, void>> => {
      while (failure === undefined) {
        if (queue.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => (wakeWriter = resolve));
          wakeWriter = undefined;
          continue;
        }
        if (queue.length < batchSize && !ended && followBatchMs > 0) await sleep(followBatchMs);
        const batch = queue.splice(0, batchSize);
        wakeReader?.();
        wakeReader = undefined;
        const queued = queue.at(-1);
        const applied = await applyBatch(batch, queued === undefined ? 0 : positionsBetween(store, batch.at(-1)!.globalPosition, queued.globalPosition));
        if (E.isLeft(applied)) {
          failure = applied.left;
          await subscription.close();
        }
      }
      await reading;
      return failure === undefined ? E.right(undefined) : E.left(failure);
    };
    return writing();
  };

  /**
   * Opens the backend if needed and refuses a read model whose head is not in the log; unless this
   * runner follows the log itself, reads what other instances committed since. Never waits on a batch.
   */
  const beforeQuery = async (readModel: ReadModelName): Promise<E.Either<ReadModelError, void>> => {
    const ready = await ensureOpen();
    if (E.isLeft(ready)) return ready;
    const refused = mismatches.get(readModel);
    if (refused !== undefined) return E.left(refused);
    return follower === undefined ? reload() : E.right(undefined);
  };

  return {
    catchUp,
    /** Where a read model answers from: its checkpoint's position, or none before its first event. */
    position: (readModel: ReadModelName): bigint | undefined => checkpoints.get(readModel)?.position,
    beforeQuery,
    start: async (startOptions: { readonly onStopped?: (result: E.Either<ReadModelError, void>) => void } = {}): Promise<E.Either<ReadModelError, void>> => {
      if (follower !== undefined) return E.right(undefined);
      const caughtUp = await catchUp();
      if (E.isLeft(caughtUp)) return caughtUp;
      const after = lowestPosition();
      const subscription = store.subscribeToAll(after === undefined ? {} : { after });
      const done = follow(subscription);
      follower = { subscription, done };
      void done.then((result) => startOptions.onStopped?.(result));
      return E.right(undefined);
    },
    stop: async (): Promise<E.Either<ReadModelError, void>> => {
      if (follower === undefined) return E.right(undefined);
      const { subscription, done } = follower;
      await subscription.close();
      const result = await done;
      follower = undefined;
      return result;
    },
    rebuild: async (readModel?: ReadModelName): Promise<E.Either<ReadModelError, void>> => {
      const ready = await ensureOpen();
      if (E.isLeft(ready)) return ready;
      for (const name of readModel === undefined ? READ_MODELS : [readModel]) {
        const reset = await backend.reset(name);
        if (E.isLeft(reset)) return reset;
        mismatches.delete(name);
      }
      const loaded = await reload();
      if (E.isLeft(loaded)) return loaded;
      return catchUp();
    },
    storedCheckpoints: async (): Promise<E.Either<ReadModelError, ReadonlyMap<ReadModelName, Checkpoint>>> => {
      const ready = await ensureOpen();
      if (E.isLeft(ready)) return ready;
      const loaded = await reload();
      return E.isLeft(loaded) ? loaded : E.right(checkpoints);
    },
    waitFor: async (position: bigint, waitOptions: { readonly timeoutMs?: number } = {}): Promise<E.Either<ReadModelError, void>> => {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 5000);
      const reached = () => READ_MODELS.every((name) => (checkpoints.get(name)?.position ?? -1n) >= position);
      for (;;) {
        if (follower === undefined) {
          const loaded = await beforeQuery('audit-trail');
          if (E.isLeft(loaded)) return loaded;
        }
        if (reached()) return E.right(undefined);
        const left = deadline - Date.now();
        if (left <= 0) {
          return E.left({ code: 'ReadModelTimeout', message: `the read models did not reach position ${position} within ${waitOptions.timeoutMs ?? 5000} ms` });
        }
        let wake!: () => void;
        const woken = new Promise<void>((resolve) => (wake = resolve));
        committed.add(wake);
        await Promise.race([woken, sleep(Math.min(pollMs, left))]);
        committed.delete(wake);
      }
    },
  };
};

export type Runner = ReturnType<typeof createRunner>;
