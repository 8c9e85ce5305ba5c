import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import type { KpiConfig, ReadModelBackend, ReadModels } from '@aftersales/read-models';
import type { ServiceError } from './errors.js';
import { failuresAsValues, orFail, orStoreFailure } from './errors.js';
import type { ReadModelsLocation } from './location.js';
import { parseReadModelsUrl } from './location.js';
import type { OpenedLog } from './log.js';

export interface OpenedReadModels {
  readonly models: ReadModels;
  /** Where they are; `undefined` for a backend the caller gave. */
  readonly location: ReadModelsLocation | undefined;
  /** Closes what was opened for them (a SQLite file, a PostgreSQL pool), never the log. */
  close(): Promise<void>;
}

interface Backend {
  readonly backend: ReadModelBackend;
  close(): Promise<void>;
}

const kept = (backend: ReadModelBackend): Backend => ({ backend, close: async () => undefined });

const openBackend = async (log: Pick<OpenedLog, 'database'>, location: ReadModelsLocation): Promise<Backend> => {
  const { InMemoryReadModelBackend, PostgresReadModelBackend, SqliteReadModelBackend } = await import('@aftersales/read-models');
  switch (location.kind) {
    case 'log':
      // The log's SQLite file holds its read models; a log elsewhere gets them rebuilt in memory.
      return kept(log.database === undefined ? new InMemoryReadModelBackend() : new SqliteReadModelBackend(log.database()));
    case 'memory':
      return kept(new InMemoryReadModelBackend());
    case 'sqlite': {
      const { openSqliteDatabase } = await import('@aftersales/sqlite');
      const database = orStoreFailure(openSqliteDatabase(location.path));
      return { backend: new SqliteReadModelBackend(database), close: async () => void database.close() };
    }
    case 'postgresql': {
      // pg is an optional peer dependency, loaded only when a postgres:// URL names it.
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: location.url, max: 4 });
      // A pool's idle client that loses its server reports it here; the next query reports it as a value.
      pool.on('error', () => undefined);
      return { backend: new PostgresReadModelBackend(pool), close: () => pool.end() };
    }
  }
};

export interface ReadModelsOptions {
  /** Where the rows live: a URL (`sqlite:<path>`, `postgres://…`, `memory:`), a backend, or beside the log when absent. */
  readonly at?: string | ReadModelBackend;
  /** The versioned KPI rules; the department's defaults otherwise. */
  readonly config?: KpiConfig;
}

/** Opens the read models of a department's store; `log` says where "beside the log" is. */
export const openReadModels = (
  store: EventStore,
  log: Pick<OpenedLog, 'database'>,
  options: ReadModelsOptions = {},
): Promise<E.Either<ServiceError, OpenedReadModels>> =>
  failuresAsValues(async () => {
    // Loaded when read models are opened, so that a program that only appends or exports starts without them.
    const { createReadModels } = await import('@aftersales/read-models');
    const over = (backend: ReadModelBackend) => createReadModels({ store, backend, ...(options.config === undefined ? {} : { config: options.config }) });
    const { at } = options;
    if (typeof at === 'object') return { models: over(at), location: undefined, close: async () => undefined };
    const location = orFail(parseReadModelsUrl(at));
    const { backend, close } = await openBackend(log, location);
    return { models: over(backend), location, close };
  });
