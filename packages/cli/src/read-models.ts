import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { KpiConfig, ReadModelBackend, ReadModelError, ReadModels } from '@aftersales/read-models';
import { InMemoryReadModelBackend, PostgresReadModelBackend, SqliteReadModelBackend, createReadModels } from '@aftersales/read-models';
import { CliError, storeError, usageError } from './cli-error.js';
import type { CliContext } from './context.js';
import type { OpenedStore } from './store-url.js';

export type ReadModelsLocation =
  | { readonly kind: 'log' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgresql'; readonly url: string }
  | { readonly kind: 'memory' };

/** Reads `--read-models`: `sqlite:<path>`, `postgres://…`, `memory:`, or nothing for the log's own SQLite file. */
export const parseReadModelsUrl = (url: string | undefined): ReadModelsLocation => {
  if (url === undefined || url === '') return { kind: 'log' };
  if (url === 'memory:' || url === 'memory') return { kind: 'memory' };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path.length === 0) throw usageError('--read-models sqlite: needs a file path, e.g. sqlite:./read-models.db');
    return { kind: 'sqlite', path: resolve(path) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgresql', url };
  throw usageError(`unknown --read-models ${JSON.stringify(url)}: use sqlite:<path>, postgres://user@host/db or memory:`);
};

/** Where the read models of a command live, for the line that says what a query answered from. */
export const describeReadModels = (location: ReadModelsLocation): string => {
  switch (location.kind) {
    case 'log':
      return "the log's SQLite file";
    case 'sqlite':
      return `SQLite file ${location.path}`;
    case 'postgresql':
      return `PostgreSQL at ${location.url.replace(/\/\/[^@/]*@/, '//')}`;
    case 'memory':
      return 'memory (rebuilt for this command)';
  }
};

export interface OpenedReadModels {
  readonly models: ReadModels;
  readonly location: ReadModelsLocation;
  close(): Promise<void>;
}

const openBackend = async (opened: OpenedStore, location: ReadModelsLocation): Promise<{ backend: ReadModelBackend; close: () => Promise<void> }> => {
  switch (location.kind) {
    case 'log': {
      // The log's SQLite file holds its read models; a log elsewhere gets them rebuilt in memory.
      if (opened.database === undefined) return { backend: new InMemoryReadModelBackend(), close: async () => undefined };
      return { backend: new SqliteReadModelBackend(opened.database()), close: async () => undefined };
    }
    case 'memory':
      return { backend: new InMemoryReadModelBackend(), close: async () => undefined };
    case 'sqlite': {
      const { openSqliteDatabase } = await import('@aftersales/sqlite');
      const database = openSqliteDatabase(location.path);
      if (E.isLeft(database)) throw storeError(database.left);
      const db = database.right;
      return { backend: new SqliteReadModelBackend(db), close: async () => void db.close() };
    }
    case 'postgresql': {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: location.url, max: 4 });
      // A pool's idle client that loses its server reports it here; the next query reports it as a value.
      pool.on('error', () => undefined);
      return { backend: new PostgresReadModelBackend(pool), close: () => pool.end() };
    }
  }
};

/** Opens the read models of a command over an opened store. */
export const openReadModels = async (opened: OpenedStore, url: string | undefined, config?: KpiConfig): Promise<OpenedReadModels> => {
  const location = parseReadModelsUrl(url);
  const { backend, close } = await openBackend(opened, location);
  const models = createReadModels({ store: opened.store, backend, ...(config === undefined ? {} : { config }) });
  return { models, location, close };
};

/** A read-model failure as the CLI reports it: one line, exit 2; a mismatch says how to rebuild. */
export const readModelError = (error: ReadModelError): CliError => {
  if (error.code === 'ReadModelMismatch' || error.code === 'CorruptedReadModel') {
    return new CliError(`${error.message} (run the command again with --rebuild)`);
  }
  if (error.code === 'InvalidQuery') return usageError(error.message);
  return storeError(error);
};

/** Brings the read models up to the end of the log (rebuilding them first when asked), or fails with one line. */
export const catchUp = async (models: ReadModels, options: { readonly rebuild?: boolean }, context: CliContext): Promise<void> => {
  if (options.rebuild) {
    if (context.interactive) context.stderr.write('Rebuilding the read models from the log…\n');
    const rebuilt = await models.rebuild();
    if (E.isLeft(rebuilt)) throw readModelError(rebuilt.left);
    return;
  }
  const caughtUp = await models.catchUp();
  if (E.isLeft(caughtUp)) throw readModelError(caughtUp.left);
};

/** Opens the read models, runs `work`, and closes them whatever happens. */
export const withReadModels = async <A>(opened: OpenedStore, url: string | undefined, config: KpiConfig | undefined, work: (readModels: OpenedReadModels) => Promise<A>): Promise<A> => {
  const readModels = await openReadModels(opened, url, config);
  try {
    return await work(readModels);
  } finally {
    await readModels.close();
  }
};
