import * as E from 'fp-ts/lib/Either.js';
import type { RecordedEvent } from '@aftersales/core';
import type { BatchOutcome } from '@aftersales/core/adapter-kit';
import { projectionTelemetry } from '@aftersales/core/adapter-kit';
import type { Checkpoint, ReadModelBackend } from './backend.js';

/**
 * The telemetry of the read side over one backend: a `project batch` span per batch (one batch
 * serves both read models), and the lag and checkpoint age of each read model after each commit.
 */
export const readModelsTelemetry = (dbSystem: ReadModelBackend['kind']) => {
  const telemetry = projectionTelemetry(dbSystem);
  return {
    /**
     * Applies one batch in its span. `lag` is how far behind the log's head the batch leaves the
     * read models, where the caller knows it or is reading it; `apply` answers the checkpoints the batch moved.
     */
    batch: async <L extends { readonly code: string }>(
      events: readonly RecordedEvent[],
      lag: number | Promise<number | undefined> | undefined,
      apply: () => Promise<E.Either<L, readonly Checkpoint[]>>,
    ): Promise<E.Either<L, void>> => {
      const batch = telemetry.begin();
      for (const event of events) batch.add(event);
      let outcome: BatchOutcome = { failed: 'Thrown' };
      try {
        const applied = await apply();
        outcome = E.isLeft(applied) ? { failed: applied.left.code } : { moved: applied.right.map((checkpoint) => checkpoint.readModel) };
        return E.isLeft(applied) ? applied : E.right(undefined);
      } finally {
        await batch.end(outcome, lag);
      }
    },
  };
};
