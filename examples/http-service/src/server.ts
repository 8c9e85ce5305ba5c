import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { departmentEventPipeline } from '@aftersales/domain';
import pg from 'pg';
import { PostgresReadModelBackend, SqliteReadModelBackend } from '@aftersales/read-models';
import { SqliteEventStore, SqliteKeyStore } from '@aftersales/sqlite';
import { createApp } from './app.js';

const path = resolve(process.env['AFTERSALES_DB'] ?? 'aftersales.db');
const port = Number(process.env['PORT'] ?? 3000);
const opened = SqliteEventStore.open(path);
const keys = SqliteKeyStore.open(path.replace(/\.db$/, '') + '.keys.db');
if (E.isLeft(opened) || E.isLeft(keys)) {
  console.error(`cannot open ${path}: ${E.isLeft(opened) ? opened.left.message : E.isLeft(keys) ? keys.left.message : ''}`);
  process.exit(2);
}
// Customers' personal data is encrypted under their keys, kept in a file of its own beside the log.
const store = departmentEventPipeline(opened.right, keys.right);
// The read models live in the log's file, or in a PostgreSQL database that many instances of this
// service share when AFTERSALES_READ_MODELS names one (postgres://user@host:5432/db).
const readModelsUrl = process.env['AFTERSALES_READ_MODELS'];
const pool = readModelsUrl === undefined || readModelsUrl === '' ? undefined : new pg.Pool({ connectionString: readModelsUrl });
const readModels = pool === undefined ? new SqliteReadModelBackend(opened.right.database()) : new PostgresReadModelBackend(pool);
const server = serve({ fetch: createApp({ store, readModels }).fetch, port }, (info) => {
  console.log(`aftersales service on http://localhost:${info.port} (store: ${path}; read models: ${pool === undefined ? 'in the store file' : 'PostgreSQL'})`);
  console.log('  POST /commands   a command as JSON');
  console.log('  GET  /kpis?period=2026-Q1&asOf=2026-03-31T23:59:59%2B08:00  (&atLeast=<globalPosition> to read your own writes)');
});

const shutdown = () => {
  server.close(() =>
    void Promise.all([store.close(), pool?.end()]).then(() => {
      keys.right.close();
      process.exit(0);
    }),
  );
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
