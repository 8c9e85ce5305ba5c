import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const require = createRequire(import.meta.url);

/** The docs' snippets import the packages by name; the copy run here imports the same files by path. */
const imports: Record<string, string> = {
  '@aftersales/sqlite': pathToFileURL(here('./index.ts')).href,
  '@aftersales/core': pathToFileURL(here('../../core/src/index.ts')).href,
  'fp-ts/lib/Either.js': pathToFileURL(require.resolve('fp-ts/lib/Either.js')).href,
};

it('runs the example of docs/sqlite.md', async () => {
  const markdown = readFileSync(here('../../../docs/sqlite.md'), 'utf8');
  const snippet = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  expect(snippet).toBeDefined();
  const directory = mkdtempSync(join(tmpdir(), 'aftersales-docs-'));
  try {
    const source = (snippet ?? '')
      .replace(/from '([^']+)'/g, (whole, name: string) => (imports[name] === undefined ? whole : `from '${imports[name]}'`))
      .replace("'aftersales.db'", JSON.stringify(join(directory, 'aftersales.db')));
    const file = join(directory, 'snippet.ts');
    writeFileSync(file, source);
    await import(pathToFileURL(file).href);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
