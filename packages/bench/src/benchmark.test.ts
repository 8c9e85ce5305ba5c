import { describe, expect, it } from 'vitest';
import { runBenchmark } from './benchmark.js';
import { formatTable } from './report.js';

describe('the benchmark', () => {
  it('measures every figure on a tiny log, with the JSON names the issue asks for and a table for people', async () => {
    const result = await runBenchmark({ sizes: [1_000, 2_000], longStreamEvents: 300 });
    expect(result.sizes.map((size) => size.targetEvents)).toEqual([1_000, 2_000]);
    for (const size of result.sizes) {
      expect(size.events).toBeGreaterThan(size.targetEvents * 0.8);
      expect(size.refusedCommands).toBeLessThanOrEqual(3);
      for (const figure of [
        size.commandsPerSecondMemory,
        size.commandsPerSecondSqlite,
        size.appendEventsPerSecondMemory,
        size.appendEventsPerSecondSqlite,
        size.rebuildEventsPerSecondMemory,
        size.rebuildEventsPerSecondSqlite,
        size.rebuildPeakRssMb,
        size.loadLongStreamMsMemory,
        size.loadLongStreamMsSqlite,
        size.floorCommandsPerSecond,
        size.floorRebuildEventsPerSecond,
      ]) {
        expect(figure).toBeGreaterThan(0);
      }
    }
    expect(Object.keys(result)).toEqual(
      expect.arrayContaining([
        'commandsPerSecondMemory',
        'commandsPerSecondSqlite',
        'rebuildEventsPerSecondMemory',
        'rebuildEventsPerSecondSqlite',
        'rebuildPeakRssMb',
        'floorCommandsPerSecond',
        'floorRebuildEventsPerSecond',
        'sizes',
        'growth',
      ]),
    );
    expect(result.growth).toHaveLength(1);
    expect(result.growth[0]!.sizeRatio).toBeGreaterThan(1.5);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(formatTable(result)).toContain('rebuild events/s, SQLite');
  }, 300_000);
});
