import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { aftersales, scratchDirectory } from './testing.js';

const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

/**
 * Preloaded into the CLI's process: on exit it prints which modules of the EventStoreDB client and
 * gRPC were loaded. Both are CommonJS, so every one loaded, even through `import`, is in the cache.
 */
const probe = scratch.file('probe.mjs');
writeFileSync(
  probe,
  `import { createRequire } from 'node:module';
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const loaded = Object.keys(cache).filter((path) => /[\\\\/]@grpc[\\\\/]|[\\\\/]@eventstore[\\\\/]/.test(path));
  process.stderr.write('GRPC-MODULES ' + loaded.length + '\\n');
});
`,
);
const loadedGrpcModules = (stderr: string): number => Number(/GRPC-MODULES (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
const withProbe = { env: { NODE_OPTIONS: `--import ${probe}` } };

describe('the EventStoreDB adapter, an optional peer of the CLI', () => {
  it('is not loaded, nor any gRPC code, when the CLI works on a SQLite store', async () => {
    const store = `sqlite:${scratch.file('demo.db')}`;
    const demo = await aftersales(['demo', '--orders', '5', '--store', store], withProbe);
    expect(demo.code, demo.stderr).toBe(0);
    expect(loadedGrpcModules(demo.stderr)).toBe(0);
    const kpi = await aftersales(['kpi', '--period', '2026-Q1', '--store', store], withProbe);
    expect(kpi.code, kpi.stderr).toBe(0);
    expect(loadedGrpcModules(kpi.stderr)).toBe(0);
  });

  it('is loaded for an esdb:// store, which is how the probe above is known to see it', async () => {
    // An unparsable connection string fails after the adapter is imported and before any connection.
    const kpi = await aftersales(['kpi', '--period', '2026-Q1', '--store', 'esdb://localhost:2113?tls=maybe'], withProbe);
    expect(loadedGrpcModules(kpi.stderr)).toBeGreaterThan(0);
  });
});
