import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { openSqliteDatabase } from '@aftersales/sqlite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ReadModelBackend } from './backend.js';
import { InMemoryReadModelBackend } from './memory-backend.js';
import { createReadModels } from './read-models.js';
import { PostgresReadModelBackend } from './sql/postgres-backend.js';
import { SqliteReadModelBackend } from './sql/sqlite-backend.js';
import { simulatedStore } from './testing/simulated-store.js';

const spans = new InMemorySpanExporter();
const folder = mkdtempSync(join(tmpdir(), 'aftersales-read-models-telemetry-'));
const postgresUrl = inject('postgresUrl');

beforeAll(() => {
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }));
});
afterAll(() => {
  trace.disable();
  context.disable();
  rmSync(folder, { recursive: true, force: true });
});

/** Catches the read models up from a small simulated log into `backend`, and gives the `db.system` of every batch span. */
const batchSystems = async (backend: ReadModelBackend): Promise<unknown[]> => {
  spans.reset();
  const models = createReadModels({ store: await simulatedStore(4, 11), backend });
  const caughtUp = await models.catchUp();
  expect(E.isRight(caughtUp), E.isLeft(caughtUp) ? caughtUp.left.message : '').toBe(true);
  const batches = spans.getFinishedSpans().filter((span) => span.name === 'project batch');
  expect(batches.length).toBeGreaterThan(0);
  return [...new Set(batches.map((span) => span.attributes['db.system']))];
};

describe('the read models’ batch spans name the backend they write to as db.system', () => {
  it('memory', async () => {
    expect(await batchSystems(new InMemoryReadModelBackend())).toEqual(['memory']);
  });

  it('sqlite', async () => {
    const opened = openSqliteDatabase(join(folder, 'read-models.db'));
    if (E.isLeft(opened)) throw new Error(opened.left.message);
    try {
      expect(await batchSystems(new SqliteReadModelBackend(opened.right))).toEqual(['sqlite']);
    } finally {
      opened.right.close();
    }
  });

  if (postgresUrl === '') it.skip('postgresql (no PostgreSQL server here: apt-get install postgresql)', () => undefined);
  else
    it('postgresql', async () => {
      const name = `telemetry_${process.pid}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(postgresUrl);
      url.pathname = `/${name}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
      try {
        expect(await batchSystems(new PostgresReadModelBackend(pool))).toEqual(['postgresql']);
      } finally {
        await pool.end();
      }
    });
});
