// The consumer test: builds and packs the published packages, installs the tarballs into fresh
// projects outside the monorepo (one with npm, one with pnpm), and uses them as a user would:
// a strict TypeScript service compiled with `skipLibCheck: false` under NodeNext and bundler
// resolution and run with plain node, a file of deliberate type errors that must not compile, the
// CLI on SQLite without the EventStoreDB adapter installed, and the examples as their READMEs say.
// Everything it installs comes from the tarballs or the npm registry.
//
//   node scripts/consumer/run.mjs [--keep]     (--keep leaves the temporary projects for a look)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'aftersales-consumer-'));
const started = Date.now();

const step = (message) => console.log(`[consumer ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}`);

const fail = (message, output = '') => {
  console.error(`consumer test FAILED: ${message}`);
  if (output) console.error(output);
  console.error(`(the projects are kept in ${work})`);
  process.exit(1);
};

/** Runs a command, failing the test with its output unless its exit status is the expected one. */
const run = (command, args, options = {}) => {
  const { expectStatus = 0, ...spawnOptions } = options;
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...spawnOptions });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (expectStatus === 'nonzero' ? result.status === 0 : result.status !== expectStatus) {
    fail(`${command} ${args.join(' ')} exited with ${result.status} (expected ${expectStatus})`, output);
  }
  return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', output };
};

// Run as a pnpm script (`pnpm test:consumer`), pnpm's own entry point is at hand; otherwise through npx.
const pnpmEntry = /pnpm/.test(process.env.npm_execpath ?? '') ? process.env.npm_execpath : undefined;
const pnpm = (args, options) =>
  pnpmEntry === undefined ? run('npx', ['--yes', 'pnpm@10', ...args], options) : run(process.execPath, [pnpmEntry, ...args], options);
const expectIn = (text, expected, what) => {
  if (!text.includes(expected)) fail(`${what}: expected ${JSON.stringify(expected)}`, text);
};
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const rootManifest = readJson(join(root, 'package.json'));
const versionOf = (name) => rootManifest.devDependencies[name];

const packages = readdirSync(join(root, 'packages'))
  .map((folder) => ({ folder, manifest: readJson(join(root, 'packages', folder, 'package.json')) }))
  .filter(({ manifest }) => manifest.private !== true);

step(`building and packing ${packages.map(({ manifest }) => manifest.name).join(', ')}`);
const tarballDirectory = join(work, 'tarballs');
pnpm(['run', 'tarballs', '--pack-destination', tarballDirectory], { cwd: root });
const tarballs = new Map();
for (const { manifest } of packages) {
  const file = join(tarballDirectory, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
  if (!existsSync(file)) fail(`pnpm pack did not write ${file}`);
  tarballs.set(manifest.name, file);
}
step(`packed ${tarballs.size} tarballs into ${tarballDirectory}`);

for (const [name, file] of tarballs) {
  const listing = execFileSync('tar', ['tzf', file], { encoding: 'utf8' });
  for (const required of ['package/LICENSE', 'package/README.md', 'package/package.json']) expectIn(listing, required, `${name}'s tarball`);
  for (const line of listing.split('\n')) {
    if (/\.test\.ts$|\/fixtures?\/|doc-snippets/.test(line)) fail(`${name}'s tarball ships a test file or fixture: ${line}`);
  }
}

// A published declaration that names an optional peer dependency fails to compile (TS2307) for a
// consumer without that peer who checks libraries' types (skipLibCheck false).
for (const { manifest } of packages) {
  const optional = Object.keys(manifest.peerDependenciesMeta ?? {}).filter((name) => manifest.peerDependenciesMeta[name].optional);
  if (optional.length === 0) continue;
  const unpacked = join(work, 'unpacked', manifest.name);
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['xzf', tarballs.get(manifest.name), '-C', unpacked]);
  for (const file of readdirSync(unpacked, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.d.ts'))) {
    const text = readFileSync(join(unpacked, file), 'utf8');
    const imported = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|<reference\s+types\s*=\s*)['"]([^'"]+)['"]/g)].map((match) => match[1]);
    const named = imported.find((specifier) => optional.some((peer) => specifier === peer || specifier.startsWith(`${peer}/`)));
    if (named !== undefined) fail(`${manifest.name}'s ${file} imports ${named}, from an optional peer dependency`);
  }
}

/** A package's other typed entry points (`@aftersales/eventstoredb/test-server`, …). */
const publicSubpaths = (name) =>
  Object.entries(packages.find(({ manifest }) => manifest.name === name)?.manifest.exports ?? {})
    .filter(([subpath, target]) => subpath.startsWith('./') && typeof target === 'object' && target.types !== undefined)
    .map(([subpath]) => `${name}/${subpath.slice(2)}`);

/** A fresh project outside the monorepo with the given tarballs and registry packages. */
const createProject = (manager, names, extra) => {
  const directory = join(work, manager);
  mkdirSync(directory);
  const file = (name) => `file:${tarballs.get(name)}`;
  const manifest = {
    name: `aftersales-consumer-${manager}`,
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries(names.map((name) => [name, file(name)])),
      'fp-ts': '^2.16.9',
      '@types/node': versionOf('@types/node'),
      ...extra,
    },
  };
  if (manager === 'pnpm') {
    // pnpm resolves the packages' dependencies on each other from a registry unless told where they are.
    manifest.pnpm = {
      overrides: Object.fromEntries([...tarballs.keys()].map((name) => [name, file(name)])),
      onlyBuiltDependencies: ['better-sqlite3'],
    };
  }
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const source of ['service.ts', 'type-errors.ts', 'tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    cpSync(join(here, source), join(directory, source));
  }
  // Every installed package's public types, checked with skipLibCheck false like the service.
  const libraries = names.filter((name) => name !== '@aftersales/cli').flatMap((name) => [name, ...publicSubpaths(name)]);
  const imports = libraries.map((name, index) => `import type * as package${index} from '${name}';`);
  imports.push(`export type Everything = [${libraries.map((_, index) => `typeof package${index}`).join(', ')}];`);
  writeFileSync(join(directory, 'public-types.ts'), `${imports.join('\n')}\n`);
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    const path = join(directory, config);
    const tsconfig = readJson(path);
    tsconfig.files.push('public-types.ts', 'type-errors.ts');
    writeFileSync(path, JSON.stringify(tsconfig, null, 2));
  }
  step(`installing into ${directory} with ${manager}`);
  if (manager === 'npm') {
    // The native module was compiled by the monorepo's install moments ago: it is reused rather than
    // compiled a second time (pnpm does the same through its store's cache of built packages).
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--ignore-scripts'], { cwd: directory });
    reuseNativeBuild(directory);
  } else {
    pnpm(['install'], { cwd: directory });
  }
  return directory;
};

const reuseNativeBuild = (directory) => {
  const built = dirname(createRequire(join(root, 'packages/sqlite/package.json')).resolve('better-sqlite3/package.json'));
  const target = join(directory, 'node_modules', 'better-sqlite3');
  const binary = join('build', 'Release', 'better_sqlite3.node');
  if (readJson(join(built, 'package.json')).version === readJson(join(target, 'package.json')).version && existsSync(join(built, binary))) {
    mkdirSync(dirname(join(target, binary)), { recursive: true });
    cpSync(join(built, binary), join(target, binary));
  } else {
    run('npm', ['rebuild', 'better-sqlite3'], { cwd: directory });
  }
};

/**
 * Compiles the typed service, every package's public types and the file of deliberate type errors
 * under each resolution mode, once each: the compiler must report errors in exactly the marked
 * statements of type-errors.ts and nowhere else. Then runs the service, emitted under NodeNext.
 */
const checkService = (directory) => {
  // Blocks of lines between blank lines; a block that starts with a `type error:` comment must fail.
  const blocks = [];
  for (const [index, line] of readFileSync(join(directory, 'type-errors.ts'), 'utf8').split('\n').entries()) {
    if (line.trim() === '') blocks.push({ first: index + 2, last: index + 1, marked: false });
    else if (blocks.length === 0) blocks.push({ first: index + 1, last: index + 1, marked: false });
    const block = blocks[blocks.length - 1];
    if (line.trim() !== '') block.last = index + 1;
    if (block.first === index + 1 && line.includes('// type error:')) block.marked = true;
  }
  const blockOf = (line) => blocks.findIndex((block) => block.first <= line && line <= block.last);
  const marked = blocks.flatMap((block, index) => (block.marked ? [index] : []));
  for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
    const { stdout: errors } = run(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd: directory, expectStatus: 'nonzero' });
    const elsewhere = errors.split('\n').filter((line) => /error TS/.test(line) && !line.startsWith('type-errors.ts('));
    if (elsewhere.length > 0) fail(`${config}: errors outside type-errors.ts`, errors);
    const failing = [...new Set([...errors.matchAll(/^type-errors\.ts\((\d+),\d+\): error/gm)].map((match) => blockOf(Number(match[1]))))].sort((a, b) => a - b);
    if (failing.join(',') !== marked.join(',')) {
      const lines = (indexes) => indexes.map((index) => `${blocks[index]?.first}-${blocks[index]?.last}`).join(', ');
      fail(`${config}: type-errors.ts should fail in the statements on lines ${lines(marked)}, failed in ${lines(failing)}`, errors);
    }
  }

  const { stdout } = run(process.execPath, ['out/service.js', directory], { cwd: directory });
  expectIn(stdout, 'accepted RepairOrder-RO-1@0 RepairOrderReceived', 'the service');
  expectIn(stdout, 'auditor Forbidden', 'the service');
  expectIn(stdout, 'untrusted InvalidCommand: unknown command type "NoSuchCommand"', 'the service');
  expectIn(stdout, 'timelyReceipt 0/1 missed RO-1', 'the service');
  // A consumer's own `source` condition must not reach into the packages' TypeScript sources.
  rmSync(join(directory, 'service.db'), { force: true });
  rmSync(join(directory, 'service.keys.db'), { force: true });
  run(process.execPath, ['--conditions=source', 'out/service.js', directory], { cwd: directory });
};

/** Whether a package folder of that name is anywhere in the project's node_modules. */
const installed = (directory, name) => {
  const flat = existsSync(join(directory, 'node_modules', name));
  const store = join(directory, 'node_modules', '.pnpm');
  const isolated = existsSync(store) && readdirSync(store).some((entry) => entry.startsWith(`${name.replace('/', '+')}@`));
  return flat || isolated;
};

/** The CLI on SQLite with no EventStoreDB adapter installed: no gRPC code anywhere to load. */
const checkCli = (directory) => {
  for (const name of ['@aftersales/eventstoredb', '@grpc/grpc-js', '@eventstore/db-client']) {
    if (installed(directory, name)) fail(`${name} was installed for a SQLite-only use of the CLI`);
  }
  const cli = join(directory, 'node_modules', '.bin', 'aftersales');
  const store = `sqlite:${join(directory, 'demo.db')}`;
  run(cli, ['demo', '--orders', '20', '--store', store], { cwd: directory });
  const { stdout } = run(cli, ['kpi', '--period', '2026-Q1', '--store', store], { cwd: directory });
  expectIn(stdout, 'timelyReceipt', 'aftersales kpi');
  const { stderr } = run(cli, ['kpi', '--period', '2026-Q1', '--store', 'esdb://localhost:2113?tls=false'], { cwd: directory, expectStatus: 2 });
  expectIn(stderr, 'install @aftersales/eventstoredb', 'aftersales on an esdb:// store without the adapter');
};

/** The library without the CLI: the chart library of the HTML report does not come with it. */
const checkLean = (directory) => {
  if (installed(directory, 'chart.js')) fail('chart.js was installed with the library alone');
};

/** The examples, copied out of the monorepo and run from the tarballs as their READMEs say. */
const checkExamples = (directory) => {
  for (const example of ['embedded', 'http-service']) {
    const target = join(directory, 'examples', example);
    cpSync(join(root, 'examples', example, 'src'), join(target, 'src'), { recursive: true, filter: (path) => !path.endsWith('.test.ts') });
  }
  const embedded = run(join(directory, 'node_modules', '.bin', 'tsx'), ['src/main.ts', join(directory, 'embedded.db')], { cwd: join(directory, 'examples', 'embedded') });
  expectIn(embedded.stdout, 'KPIs for 2026-03', 'examples/embedded');
  return checkHttpExample(join(directory, 'examples', 'http-service'));
};

const checkHttpExample = async (directory) => {
  const key = 'a-key-of-the-consumer-test-0000000000';
  writeFileSync(join(directory, 'api-keys.json'), JSON.stringify({ [key]: { id: 'DM-01', role: 'DepartmentManager' } }));
  const server = spawn(join(directory, '..', '..', 'node_modules', '.bin', 'tsx'), ['src/server.ts'], {
    cwd: directory,
    env: { ...process.env, PORT: '0', AFTERSALES_DB: join(directory, 'http.db'), AFTERSALES_API_KEYS: join(directory, 'api-keys.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stderr.on('data', (chunk) => (output += chunk));
  const address = await new Promise((resolveAddress) => {
    server.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolveAddress(match[1]);
    });
    server.on('exit', () => resolveAddress(undefined));
  });
  if (address === undefined) fail('examples/http-service did not start', output);
  const health = await fetch(`${address}/health`);
  if (health.status !== 200) fail(`examples/http-service GET /health answered ${health.status}`);
  const anonymous = await fetch(`${address}/commands`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  if (anonymous.status !== 401) fail(`examples/http-service answered ${anonymous.status} to a request without a credential`);
  const kpis = await fetch(`${address}/kpis?period=2026-Q1`, { headers: { authorization: `Bearer ${key}` } });
  if (kpis.status !== 200) fail(`examples/http-service answered ${kpis.status} to GET /kpis with a credential`, await kpis.text());
  const exited = new Promise((resolveExit) => server.on('exit', resolveExit));
  server.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`examples/http-service exited with ${code} on SIGTERM`, output);
};

const npmProject = createProject(
  'npm',
  ['@aftersales/core', '@aftersales/domain', '@aftersales/read-models', '@aftersales/sqlite', '@aftersales/service', '@aftersales/cli'],
  {
    tsx: versionOf('tsx'),
    hono: readJson(join(root, 'examples/http-service/package.json')).dependencies.hono,
    '@hono/node-server': readJson(join(root, 'examples/http-service/package.json')).dependencies['@hono/node-server'],
    zod: readJson(join(root, 'examples/http-service/package.json')).dependencies.zod,
    '@opentelemetry/api': readJson(join(root, 'examples/http-service/package.json')).dependencies['@opentelemetry/api'],
  },
);
step('npm: the typed service, NodeNext and bundler resolution, skipLibCheck false');
checkService(npmProject);
step('npm: the CLI on SQLite without the EventStoreDB adapter');
checkCli(npmProject);
step('npm: the examples from the tarballs');
await checkExamples(npmProject);

const pnpmProject = createProject('pnpm', ['@aftersales/core', '@aftersales/domain', '@aftersales/read-models', '@aftersales/sqlite', '@aftersales/eventstoredb', '@aftersales/service'], {});
step('pnpm: the typed service, NodeNext and bundler resolution, skipLibCheck false');
checkService(pnpmProject);
checkLean(pnpmProject);

if (!keep) rmSync(work, { recursive: true, force: true });
step('passed');
