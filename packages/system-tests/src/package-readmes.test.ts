import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

// Every published package's README lists what each of its entry points exports, so that a user
// reads the API before installing it. A package is published unless its manifest says `private`;
// an entry point is published when it has a `default` target (source-only entries are for the
// repository's own tests). The names are read from the TypeScript sources, types included.

const packagesDirectory = fileURLToPath(new URL('../../', import.meta.url));

interface EntryPoint {
  /** `@aftersales/core` or `@aftersales/core/adapter-kit`. */
  readonly specifier: string;
  readonly source: string;
}

interface PublishedPackage {
  readonly name: string;
  readonly readme: string | undefined;
  readonly entries: readonly EntryPoint[];
}

const publishedPackages = (): PublishedPackage[] =>
  readdirSync(packagesDirectory)
    .filter((directory) => existsSync(join(packagesDirectory, directory, 'package.json')))
    .map((directory) => {
      const root = join(packagesDirectory, directory);
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; private?: boolean; exports?: Record<string, unknown> };
      const entries = Object.entries(manifest.exports ?? {}).flatMap(([subpath, target]): EntryPoint[] => {
        if (typeof target !== 'object' || target === null || !('default' in target)) return [];
        const source = (target as Record<string, unknown>)['@aftersales/source'];
        if (typeof source !== 'string') return [];
        return [{ specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, source: join(root, source) }];
      });
      const readmePath = join(root, 'README.md');
      return { name: manifest.name, private: manifest.private === true, readme: existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : undefined, entries };
    })
    .filter((found) => !found.private)
    .map(({ name, readme, entries }) => ({ name, readme, entries }));

/** The text of the README's `## Exports` section, up to the next heading of the same level. */
const exportsSection = (readme: string): string | undefined => {
  const start = readme.search(/^## Exports\s*$/m);
  if (start < 0) return undefined;
  const rest = readme.slice(start + '## Exports'.length);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
};

/** Every identifier written in a code span of the text: what a README names as API. */
const namesInCode = (text: string): Set<string> => new Set([...text.matchAll(/`([^`\n]+)`/g)].flatMap((span) => span[1]!.match(/[A-Za-z_$][\w$]*/g) ?? []));

const packages = publishedPackages();
const exportedNames = new Map<string, readonly string[]>();

beforeAll(() => {
  const sources = packages.flatMap((found) => found.entries.map((entry) => entry.source));
  const program = ts.createProgram(sources, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['@aftersales/source'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  for (const source of sources) {
    const file = program.getSourceFile(source);
    const moduleSymbol = file === undefined ? undefined : checker.getSymbolAtLocation(file);
    exportedNames.set(source, moduleSymbol === undefined ? [] : checker.getExportsOfModule(moduleSymbol).map((symbol) => symbol.name));
  }
}, 180_000);

describe('the published packages’ READMEs', () => {
  it('find every package that is not private, each with at least one entry point', () => {
    expect(packages.map((found) => found.name)).toEqual(expect.arrayContaining(['@aftersales/core', '@aftersales/domain', '@aftersales/read-models', '@aftersales/sqlite']));
    for (const found of packages) expect(found.entries.length, found.name).toBeGreaterThan(0);
  });

  it.each(packages.map((found) => [found.name, found] as const))('%s: the Exports section names each entry point and every name it exports', (_name, found) => {
    expect(found.readme, `${found.name} has no README.md`).toBeDefined();
    const section = exportsSection(found.readme!);
    expect(section, `${found.name}'s README has no "## Exports" section`).toBeDefined();
    const named = namesInCode(section!);
    const missing = found.entries.flatMap((entry) => {
      const names = exportedNames.get(entry.source) ?? [];
      expect(names.length, `${entry.specifier} exports nothing that could be read`).toBeGreaterThan(0);
      const entryNamed = entry.specifier === found.name || section!.includes(`\`${entry.specifier}\``) ? [] : [`the entry point ${entry.specifier}`];
      return [...entryNamed, ...names.filter((name) => !named.has(name)).map((name) => `${entry.specifier}: ${name}`)];
    });
    expect(missing).toEqual([]);
  });
});
