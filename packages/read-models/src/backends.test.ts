import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { openSqliteDatabase } from '@aftersales/sqlite';
import { afterAll, inject, it } from 'vitest';
import { InMemoryReadModelBackend } from './memory-backend.js';
import { PostgresReadModelBackend } from './sql/postgres-backend.js';
import { SqliteReadModelBackend } from './sql/sqlite-backend.js';
import { readModelBackendConformance } from './testing/conformance.js';

readModelBackendConformance('in memory', async () => ({ backend: new InMemoryReadModelBackend(), close: async () => undefined }));

const folder = mkdtempSync(join(tmpdir(), 'aftersales-read-models-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

readModelBackendConformance('SQLite', async () => {
  files += 1;
  const opened = openSqliteDatabase(join(folder, `read-models-${files}.db`));
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const db = opened.right;
  return { backend: new SqliteReadModelBackend(db), close: async () => void db.close() };
});

let databases = 0;
const postgresUrl = inject('postgresUrl');

if (postgresUrl === '') it.skip('read-model backend: PostgreSQL (no PostgreSQL server here: apt-get install postgresql)', () => undefined);
else readModelBackendConformance('PostgreSQL', async () => {
  databases += 1;
  const name = `read_models_${process.pid}_${databases}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  return { backend: new PostgresReadModelBackend(pool), close: () => pool.end() };
});
