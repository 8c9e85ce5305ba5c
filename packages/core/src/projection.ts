import * as E from 'fp-ts/lib/Either.js';
import type { EventFilter, EventStore } from './event-store.js';
import type { DomainError, StoreError } from './errors.js';
import { isStoreFailure, storeUnavailable } from './errors.js';
import type { RecordedEvent } from './messages.js';
import type { BatchTelemetry } from './projection-telemetry.js';
import { lagBehindHead, projectionTelemetry } from './projection-telemetry.js';

/**
 * A read model built from the log: an initial state, a pure `evolve` over recorded events, and the
 * way its state is written to and read back from a projection store.
 */
export interface Projection<S> {
  /** Unique per read model; also the key of its checkpoint. */
  readonly name: string;
  readonly initialState: S;
  readonly evolve: (state: S, event: RecordedEvent) => S;
  /** Which events it reads; everything when absent. */
  readonly filter?: EventFilter;
  /** The state as JSON-compatible data, for projection stores that persist it. */
  readonly serialize: (state: S) => unknown;
  /** Decodes what `serialize` wrote; a `Left` says what does not decode. */
  readonly deserialize: (stored: unknown) => E.Either<string, S>;
}

/** A projection's saved state and the global position of the last event it applied. */
export interface ProjectionSnapshot {
  readonly state: unknown;
  readonly position: bigint;
}

/**
 * Where projections keep their state and checkpoint. `save` writes both atomically and only if the
 * stored checkpoint is still `expected` (undefined: nothing saved yet): a compare-and-set that lets a
 * runner notice that another runner of the same projection has written since it loaded.
 */
export interface ProjectionStore {
  /** What it keeps projections in, as OpenTelemetry's `db.system` names it: the attribute of the runner's batches. */
  readonly dbSystem?: string;
  load(name: string): Promise<E.Either<StoreError, ProjectionSnapshot | undefined>>;
  save(
    name: string,
    snapshot: ProjectionSnapshot,
    expected: bigint | undefined,
  ): Promise<E.Either<StoreError | SecondWriter, void>>;
  /** Forgets a projection's state and checkpoint (before a rebuild). */
  reset(name: string): Promise<E.Either<StoreError, void>>;
}

/** Another runner of the same projection saved since this one loaded: this one must stop writing. */
export interface SecondWriter extends DomainError<'SecondWriter'> {
  readonly projection: string;
}

export const secondWriter = (projection: string, expected: bigint | undefined, found: bigint | undefined): SecondWriter => ({
  code: 'SecondWriter',
  message: `projection ${projection}: checkpoint expected at ${expected ?? 'none'} but found ${found ?? 'none'}; another runner is writing it`,
  projection,
});

/** A projection store in memory: the default for tests and for read models rebuilt at every start. */
export class InMemoryProjectionStore implements ProjectionStore {
  readonly dbSystem = 'memory';
  private readonly snapshots = new Map<string, ProjectionSnapshot>();

  async load(name: string) {
    return E.right(this.snapshots.get(name));
  }

  async save(name: string, snapshot: ProjectionSnapshot, expected: bigint | undefined) {
    const current = this.snapshots.get(name)?.position;
    if (current !== expected) return E.left(secondWriter(name, expected, current));
    this.snapshots.set(name, snapshot);
    return E.right(undefined);
  }

  async reset(name: string) {
    this.snapshots.delete(name);
    return E.right(undefined);
  }
}

export interface ProjectionRunnerOptions<S> {
  readonly store: EventStore;
  readonly projection: Projection<S>;
  /** Where state and checkpoint are saved; in memory when absent. */
  readonly projectionStore?: ProjectionStore;
  /** Save after this many applied events (default 1000), and whenever the runner catches up. */
  readonly saveEvery?: number;
  /** While following live events, save this long after the last unsaved one (default 100 ms). */
  readonly flushAfterMs?: number;
}

export type ProjectionError = StoreError | SecondWriter | DomainError<'CorruptedProjection'>;

export interface ProjectionRunner<S> {
  /** The read model as of the last applied event. */
  readonly state: () => S;
  /** The global position of the last applied event; undefined before the first. */
  readonly position: () => bigint | undefined;
  /** Loads the saved state and checkpoint, reads everything after it, saves, and returns. */
  catchUp(): Promise<E.Either<ProjectionError, S>>;
  /** Catches up, then follows live events until `stop()`; resolves when it stops. */
  run(options?: { readonly onCaughtUp?: () => void }): Promise<E.Either<ProjectionError, void>>;
  stop(): Promise<void>;
  /** Forgets the saved state and checkpoint and builds the read model again from the first event. */
  rebuild(): Promise<E.Either<ProjectionError, S>>;
}

/**
 * Runs a projection: catch-up from its checkpoint with `readAll`, then live with `subscribeToAll`.
 * An event at or before the checkpoint is never applied twice, so redelivery after a crash changes
 * nothing; state and checkpoint are saved together, so a restart resumes where the last save was.
 */
export const createProjectionRunner = <S>(options: ProjectionRunnerOptions<S>): ProjectionRunner<S> => {
  const { store, projection } = options;
  const projectionStore = options.projectionStore ?? new InMemoryProjectionStore();
  const saveEvery = options.saveEvery ?? 1000;
  const flushAfterMs = options.flushAfterMs ?? 100;
  let state = projection.initialState;
  let position: bigint | undefined;
  let savedPosition: bigint | undefined;
  let loaded = false;
  let unsaved = 0;
  let stopping: (() => Promise<void>) | undefined;
  // Set by a stop() that arrives while `run` is still catching up, before there is a subscription to close.
  let stopRequested = false;
  let running: Promise<unknown> | undefined;
  const telemetry = projectionTelemetry(projectionStore.dbSystem);
  // The batch under way: the events applied since the last save, which commits them.
  let batch: BatchTelemetry | undefined;

  const load = async (): Promise<E.Either<ProjectionError, void>> => {
    if (loaded) return E.right(undefined);
    const snapshot = await projectionStore.load(projection.name);
    if (E.isLeft(snapshot)) return snapshot;
    if (snapshot.right !== undefined) {
      const decoded = projection.deserialize(snapshot.right.state);
      if (E.isLeft(decoded)) {
        return E.left({ code: 'CorruptedProjection', message: `projection ${projection.name}: saved state does not decode (${decoded.left}); rebuild it` });
      }
      state = decoded.right;
      position = snapshot.right.position;
    } else {
      state = projection.initialState;
      position = undefined;
    }
    savedPosition = position;
    loaded = true;
    return E.right(undefined);
  };

  /**
   * How a save measures the lag it leaves: `caughtUp` when the log has just been read to its end;
   * `head` by reading the store's head while the save commits; `unknown` when the head says nothing
   * about this projection (a filtered one following live events may be at its last event while the
   * head is another stream's).
   */
  type Lag = 'caughtUp' | 'head' | 'unknown';
  const liveLag: Lag = projection.filter === undefined ? 'head' : 'unknown';

  // Saves run one at a time, so two saves never race each other's compare-and-set.
  let saving: Promise<unknown> = Promise.resolve();
  const save = (lag: Lag): Promise<E.Either<ProjectionError, void>> => {
    const next = saving.then(() => saveNow(lag));
    saving = next;
    return next;
  };
  const saveNow = async (lag: Lag): Promise<E.Either<ProjectionError, void>> => {
    if (position === undefined || position === savedPosition) return E.right(undefined);
    // Events applied while the store writes belong to the next save, which must expect this one's position.
    const at = position;
    const committing = batch;
    batch = undefined;
    unsaved = 0;
    const behind = lag === 'caughtUp' ? 0 : lag === 'head' ? lagBehindHead(store, at) : undefined;
    const saved = await projectionStore.save(projection.name, { state: projection.serialize(state), position: at }, savedPosition);
    await committing?.end(E.isLeft(saved) ? { failed: saved.left.code } : { moved: [projection.name] }, behind);
    if (E.isLeft(saved)) return saved;
    savedPosition = at;
    return E.right(undefined);
  };

  const apply = async (event: RecordedEvent, lag: Lag): Promise<E.Either<ProjectionError, void>> => {
    if (position !== undefined && event.globalPosition <= position) return E.right(undefined);
    state = projection.evolve(state, event);
    position = event.globalPosition;
    unsaved += 1;
    (batch ??= telemetry.begin(projection.name)).add(event);
    return unsaved >= saveEvery ? save(lag) : E.right(undefined);
  };

  const failure = (thrown: unknown): ProjectionError =>
    isStoreFailure(thrown) ? thrown.error : storeUnavailable(`projection ${projection.name}: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown);

  const catchUp = async (): Promise<E.Either<ProjectionError, S>> => {
    const ready = await load();
    if (E.isLeft(ready)) return ready;
    try {
      const readOptions = { ...(position === undefined ? {} : { after: position }), ...(projection.filter ? { filter: projection.filter } : {}) };
      for await (const event of store.readAll(readOptions)) {
        const applied = await apply(event, 'head');
        if (E.isLeft(applied)) return applied;
      }
    } catch (thrown) {
      return E.left(failure(thrown));
    }
    const saved = await save('caughtUp');
    return E.isLeft(saved) ? saved : E.right(state);
  };

  return {
    state: () => state,
    position: () => position,
    catchUp,
    run: (runOptions = {}) => {
      stopRequested = false;
      const run = follow(runOptions);
      running = run;
      return run;
    },
    stop: async () => {
      stopRequested = true;
      if (stopping) await stopping();
      else if (running) await running;
    },
    rebuild: async () => {
      const reset = await projectionStore.reset(projection.name);
      if (E.isLeft(reset)) return reset;
      loaded = false;
      return catchUp();
    },
  };

  async function follow(runOptions: { readonly onCaughtUp?: () => void }): Promise<E.Either<ProjectionError, void>> {
    const caughtUp = await catchUp();
    if (E.isLeft(caughtUp)) return caughtUp;
    if (stopRequested) return E.right(undefined);
    runOptions.onCaughtUp?.();
    const subscription = store.subscribeToAll({
      ...(position === undefined ? {} : { after: position }),
      ...(projection.filter ? { filter: projection.filter } : {}),
    });
    let finished!: () => void;
    const done = new Promise<void>((resolve) => {
      finished = resolve;
    });
    stopping = async () => {
      await subscription.close();
      await done;
    };
    let flushTimer: NodeJS.Timeout | undefined;
    let flushFailure: ProjectionError | undefined;
    const scheduleFlush = () => {
      if (flushTimer !== undefined) return;
      flushTimer = setTimeout(() => {
        flushTimer = undefined;
        void save(liveLag).then((saved) => {
          if (E.isLeft(saved)) {
            flushFailure = saved.left;
            void subscription.close();
          }
        });
      }, flushAfterMs);
    };
    try {
      for await (const event of subscription) {
        const applied = await apply(event, liveLag);
        if (E.isLeft(applied)) return applied;
        if (unsaved > 0) scheduleFlush();
      }
      clearTimeout(flushTimer);
      if (flushFailure !== undefined) return E.left(flushFailure);
      const saved = await save(liveLag);
      return E.isLeft(saved) ? saved : E.right(undefined);
    } catch (thrown) {
      return E.left(failure(thrown));
    } finally {
      clearTimeout(flushTimer);
      stopping = undefined;
      finished();
    }
  }
};
