import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import type { ReadModelBackend, ReadModelName, ReadModelTable, TableRow } from './backend.js';
import { READ_MODEL_TABLES, compareRowKeys } from './backend.js';
import type { KpiConfig } from './config.js';
import { defaultKpiConfig } from './config.js';
import { readModelVersions } from './projector.js';
import type { ReadModelError } from './read-models.js';
import { createReadModels, headInLog } from './read-models.js';

/** A row of a stored read model that a replay of the log does not give as stored. */
export interface ReadModelDifference {
  readonly readModel: ReadModelName;
  readonly table: ReadModelTable;
  readonly key: string;
  /** `changed`: both hold the row, with other content; `extra`: only the stored read model holds it; `missing`: only the replay does. */
  readonly kind: 'changed' | 'extra' | 'missing';
}

export interface ReadModelComparison {
  readonly rowsCompared: number;
  /** Every difference found, up to the limit asked for; `differenceCount` counts them all. */
  readonly differences: readonly ReadModelDifference[];
  readonly differenceCount: number;
}

/** Merges two tables read in key order, row by row: memory stays bounded by one row of each. */
const compareTable = async (
  table: ReadModelTable,
  stored: AsyncIterable<TableRow>,
  replayed: AsyncIterable<TableRow>,
  found: (difference: ReadModelDifference) => void,
): Promise<number> => {
  const readModel = READ_MODEL_TABLES[table];
  const left = stored[Symbol.asyncIterator]();
  const right = replayed[Symbol.asyncIterator]();
  let a = await left.next();
  let b = await right.next();
  let compared = 0;
  while (!a.done || !b.done) {
    compared += 1;
    const order = a.done ? 1 : b.done ? -1 : compareRowKeys(a.value.key, b.value.key);
    if (order === 0) {
      if (a.value.content !== b.value.content) found({ readModel, table, key: a.value.key, kind: 'changed' });
      a = await left.next();
      b = await right.next();
    } else if (order < 0) {
      found({ readModel, table, key: (a.value as TableRow).key, kind: 'extra' });
      a = await left.next();
    } else {
      found({ readModel, table, key: (b.value as TableRow).key, kind: 'missing' });
      b = await right.next();
    }
  }
  return compared;
};

/** Compares every table of two backends row by row. */
export const compareReadModels = async (stored: ReadModelBackend, replayed: ReadModelBackend, options: { readonly maxDifferences?: number } = {}): Promise<ReadModelComparison> => {
  const max = options.maxDifferences ?? 100;
  const differences: ReadModelDifference[] = [];
  let differenceCount = 0;
  let rowsCompared = 0;
  for (const table of Object.keys(READ_MODEL_TABLES) as ReadModelTable[]) {
    rowsCompared += await compareTable(table, stored.rows(table), replayed.rows(table), (difference) => {
      differenceCount += 1;
      if (differences.length < max) differences.push(difference);
    });
  }
  return { rowsCompared, differences, differenceCount };
};

/** Why a stored read model could not be compared: its head is not in the log, or it is of another version. */
export interface ReadModelHeadProblem {
  readonly readModel: ReadModelName;
  readonly problem: string;
}

export interface ReadModelVerification extends ReadModelComparison {
  /** The log position both stored read models were replayed to; undefined when none is stored. */
  readonly position: bigint | undefined;
  readonly heads: readonly ReadModelHeadProblem[];
}

/**
 * Checks stored read models against the log without changing them: each checkpoint must name an
 * event the log holds as recorded and a version this library writes; then the log is replayed into
 * `scratch` (an empty backend: a temporary file keeps memory bounded) up to that checkpoint, and
 * the two are compared row by row. Read models are derived data, so any difference means the stored
 * rows were changed by something other than this library.
 */
export const verifyReadModels = async (options: {
  readonly store: EventStore;
  readonly stored: ReadModelBackend;
  readonly scratch: ReadModelBackend;
  readonly config?: KpiConfig;
  readonly maxDifferences?: number;
}): Promise<E.Either<ReadModelError, ReadModelVerification>> => {
  const checkpoints = await options.stored.checkpoints();
  if (E.isLeft(checkpoints)) return checkpoints;
  if (checkpoints.right.size === 0) return E.right({ rowsCompared: 0, differences: [], differenceCount: 0, position: undefined, heads: [] });
  const versions = readModelVersions(options.config ?? defaultKpiConfig);
  const heads: ReadModelHeadProblem[] = [];
  for (const checkpoint of checkpoints.right.values()) {
    if (checkpoint.version !== versions[checkpoint.readModel]) {
      heads.push({ readModel: checkpoint.readModel, problem: `written by version ${checkpoint.version}, not this library's ${versions[checkpoint.readModel]}` });
      continue;
    }
    const proven = await headInLog(options.store, checkpoint);
    if (E.isLeft(proven)) return proven;
    if (!proven.right) heads.push({ readModel: checkpoint.readModel, problem: `its checkpoint names ${checkpoint.streamId}@${checkpoint.revision} at position ${checkpoint.position}, which the log does not hold as recorded` });
  }
  const positions = [...checkpoints.right.values()].map((checkpoint) => checkpoint.position);
  const behind = [...checkpoints.right.values()].find((checkpoint) => positions.some((position) => position > checkpoint.position));
  if (behind !== undefined) heads.push({ readModel: behind.readModel, problem: `stands at position ${behind.position}, behind the other read model: catch them up before verifying` });
  if (heads.length > 0) return E.right({ rowsCompared: 0, differences: [], differenceCount: 0, position: positions[0], heads });
  const position = positions[0]!;
  const replay = createReadModels({ store: options.store, backend: options.scratch, ...(options.config ? { config: options.config } : {}) });
  const replayed = await replay.catchUp({ until: position });
  if (E.isLeft(replayed)) return replayed;
  const comparison = await compareReadModels(options.stored, options.scratch, options.maxDifferences === undefined ? {} : { maxDifferences: options.maxDifferences });
  return E.right({ ...comparison, position, heads });
};
