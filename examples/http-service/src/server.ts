import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { describeReadModels, openDepartment } from '@aftersales/service';
import { startTelemetry } from '@aftersales/service/telemetry';
import { loadApiKeys } from './api-keys.js';
import { DEFAULT_MAX_BODY_BYTES, createApp } from './app.js';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const path = resolve(process.env['AFTERSALES_DB'] ?? 'aftersales.db');
const keyFile = process.env['AFTERSALES_API_KEYS'] ?? fail('set AFTERSALES_API_KEYS to a JSON file of API keys and the actors they act as (see README.md)');
// Loopback unless told otherwise: a reverse proxy in front terminates TLS and faces the network.
const hostname = process.env['HOST'] ?? '127.0.0.1';
const port = Number(process.env['PORT'] ?? 3000);
const maxBodyBytes = Number(process.env['MAX_BODY_BYTES'] ?? DEFAULT_MAX_BODY_BYTES);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT must be a port number, not ${process.env['PORT']}`);
if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) fail(`MAX_BODY_BYTES must be a positive integer, not ${process.env['MAX_BODY_BYTES']}`);

const apiKeys = loadApiKeys(keyFile);
if (E.isLeft(apiKeys)) fail(apiKeys.left);
// Traces and metrics as the OTEL_* variables ask (OTEL_TRACES_EXPORTER=console|otlp, …), console output on stderr.
const telemetry = await startTelemetry(process.env, process.stderr, 'aftersales-http-service');
// Customers' personal data is encrypted under their keys, kept in a file of its own beside the log
// and bound to it. The read models live in the log's file, or in a PostgreSQL database that many
// instances of this service share when AFTERSALES_READ_MODELS names one (postgres://user@host:5432/db).
const opened = await openDepartment({ store: `sqlite:${path}`, ...(process.env['AFTERSALES_READ_MODELS'] ? { readModels: process.env['AFTERSALES_READ_MODELS'] } : {}) });
if (E.isLeft(opened)) fail(`cannot open the department at ${path}: ${opened.left.code}: ${opened.left.message}`);
const { department, readModels } = opened.right;
const app = createApp({ department, readModels: readModels.models, apiKeys: apiKeys.right, maxBodyBytes });
const server = serve({ fetch: app.fetch, hostname, port }, (info) => {
  console.log(`aftersales service on http://${info.address}:${info.port} (store: ${path}; read models: ${describeReadModels(readModels.location)})`);
  console.log('  GET  /health');
  console.log('  POST /commands   a command as JSON, with Authorization: Bearer <API key>');
  console.log('  GET  /kpis?period=2026-Q1&asOf=2026-03-31T23:59:59%2B08:00  (&atLeast=<globalPosition> to read your own writes)');
});

/** How long requests in flight get to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 10_000;

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: no new requests; finishing the ones in flight`);
  const cut = setTimeout(() => {
    console.error(`requests still in flight after ${SHUTDOWN_GRACE_MS} ms: closing their connections`);
    if ('closeAllConnections' in server) server.closeAllConnections();
  }, SHUTDOWN_GRACE_MS);
  cut.unref();
  server.close(() => {
    void Promise.all([opened.right.close(), telemetry.shutdown()]).then(() => {
      // Nothing is left to keep the process alive: it ends with status 0 once the output is written.
      console.log('stopped');
    });
  });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
