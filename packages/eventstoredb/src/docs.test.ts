import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { CONNECTION_STRING_VARIABLE } from './event-store.js';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const require = createRequire(import.meta.url);

/** The docs' snippets import the packages by name; the copy run here imports the same files by path. */
const imports: Record<string, string> = {
  '@aftersales/eventstoredb': pathToFileURL(here('./index.ts')).href,
  'fp-ts/lib/Either.js': pathToFileURL(require.resolve('fp-ts/lib/Either.js')).href,
};

it('runs the set-up example of docs/eventstoredb.md against the test server', async () => {
  const markdown = readFileSync(here('../../../docs/eventstoredb.md'), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  expect(snippet).toContain('fromEnv');
  const server = await EventStoreDBTestServer.start();
  const directory = mkdtempSync(join(tmpdir(), 'aftersales-esdb-docs-'));
  const previous = process.env[CONNECTION_STRING_VARIABLE];
  process.env[CONNECTION_STRING_VARIABLE] = server.connectionString;
  try {
    const source = (snippet ?? '').replace(/from '([^']+)'/g, (whole, name: string) => (imports[name] === undefined ? whole : `from '${imports[name]}'`));
    const file = join(directory, 'snippet.ts');
    writeFileSync(file, source);
    await import(pathToFileURL(file).href);
  } finally {
    if (previous === undefined) delete process.env[CONNECTION_STRING_VARIABLE];
    else process.env[CONNECTION_STRING_VARIABLE] = previous;
    rmSync(directory, { recursive: true, force: true });
    await server.close();
  }
});
