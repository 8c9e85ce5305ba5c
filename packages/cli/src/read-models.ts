import * as E from 'fp-ts/lib/Either.js';
import type { ProjectionError, ProjectionRunner } from '@aftersales/core';
import type { ReadModels } from '@aftersales/read-models';
import { createReadModels } from '@aftersales/read-models';
import { storeError } from './cli-error.js';
import type { CliContext } from './context.js';
import type { OpenedStore } from './store-url.js';

/**
 * The read models over an opened store. Their state and checkpoint live in the store's projection
 * store (the same SQLite file), so each command only reads the events appended since the last one.
 * A catch-up saves once at the end rather than every thousand events: the saved state is whole.
 */
export const readModelsOf = (opened: OpenedStore): ReadModels =>
  createReadModels({ store: opened.store, projectionStore: opened.projectionStore, saveEvery: 1_000_000 });

/** Brings one read model up to the end of the log; a saved state that no longer decodes is rebuilt. */
export const catchUp = async <S>(runner: ProjectionRunner<S>, name: string, context: CliContext): Promise<void> => {
  let result: E.Either<ProjectionError, S> = await runner.catchUp();
  if (E.isLeft(result) && result.left.code === 'CorruptedProjection') {
    context.stderr.write(`aftersales: the saved ${name} read model does not decode; rebuilding it from the log\n`);
    result = await runner.rebuild();
  }
  if (E.isLeft(result)) throw storeError(result.left);
};
