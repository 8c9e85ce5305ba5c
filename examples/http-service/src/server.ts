import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { SqliteEventStore } from '@aftersales/sqlite';
import { createApp } from './app.js';

const path = resolve(process.env['AFTERSALES_DB'] ?? 'aftersales.db');
const port = Number(process.env['PORT'] ?? 3000);
const opened = SqliteEventStore.open(path);
if (E.isLeft(opened)) {
  console.error(`cannot open ${path}: ${opened.left.message}`);
  process.exit(2);
}
const store = opened.right;
const server = serve({ fetch: createApp({ store, projectionStore: store.projectionStore() }).fetch, port }, (info) => {
  console.log(`aftersales service on http://localhost:${info.port} (store: ${path})`);
  console.log('  POST /commands   a command as JSON');
  console.log('  GET  /kpis?period=2026-Q1&asOf=2026-03-31T23:59:59%2B08:00');
});

const shutdown = () => {
  server.close(() => void store.close().then(() => process.exit(0)));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
