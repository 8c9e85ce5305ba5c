import type { TestProject } from 'vitest/node';
import { postgresServerPrograms, startThrowawayPostgres } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server the read-model tests may create databases in. */
    postgresUrl: string;
  }
}

/**
 * Starts a throwaway PostgreSQL cluster for the read-model tests, or uses the server that
 * `AFTERSALES_TEST_POSTGRES_URL` names (its user must be allowed to create databases). On a machine
 * without PostgreSQL's server programs the PostgreSQL cases are skipped with a warning, except in CI
 * (`CI` set), where `.ci/run` installs them and their absence is a failure.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env['AFTERSALES_TEST_POSTGRES_URL'];
  if (given !== undefined && given !== '') {
    project.provide('postgresUrl', given);
    return () => undefined;
  }
  if (postgresServerPrograms() === undefined) {
    if (process.env['CI']) throw new Error('CI needs PostgreSQL server programs under /usr/lib/postgresql (apt-get install postgresql), or AFTERSALES_TEST_POSTGRES_URL');
    console.warn('read-model tests: PostgreSQL cases SKIPPED, no server programs under /usr/lib/postgresql (apt-get install postgresql); CI fails instead of skipping');
    project.provide('postgresUrl', '');
    return () => undefined;
  }
  const cluster = await startThrowawayPostgres();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
