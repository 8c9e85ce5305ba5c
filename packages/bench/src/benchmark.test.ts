import { describe, expect, it } from 'vitest';
import { deliberateRefusals } from '@aftersales/domain/simulation';
import { runBenchmark } from './benchmark.js';
import { formatCommandTargets, measureCommandTargets } from './command-targets.js';
import { readSideTargets } from './read-side-report.js';
import { formatTable } from './report.js';
import { formatTelemetryCost, measureTelemetryCost } from './telemetry-cost.js';
import { ordersFor } from './workload.js';

describe('the benchmark', () => {
  it('measures the telemetry’s cost without an SDK and with one that records every command’s spans', async () => {
    const figures = await measureTelemetryCost(ordersFor(1_000), () => undefined, 1);
    expect(figures.commands).toBeGreaterThan(0);
    for (const rate of [figures.withoutTelemetryCommandsPerSecond, figures.noSdkCommandsPerSecond, figures.sdkCommandsPerSecond]) expect(rate).toBeGreaterThan(0);
    // handle, decide and append for every command, and load for those on a stream not remembered.
    expect(figures.spansPerCommand).toBeGreaterThanOrEqual(3);
    expect(figures.spansPerCommand).toBeLessThan(4);
    expect(formatTelemetryCost(figures)).toContain('no SDK registered');
  }, 120_000);

  it('measures the command targets beside the best the guarantees leave reachable', async () => {
    const figures = await measureCommandTargets(ordersFor(1_000), () => undefined, 200);
    expect(figures.commands).toBeGreaterThan(0);
    for (const rate of [figures.floorCommandsPerSecond, figures.guaranteeFloorCommandsPerSecond, figures.memoryCommandsPerSecond, figures.sqliteCommandsPerSecond]) expect(rate).toBeGreaterThan(0);
    expect(figures.sqliteFloor.oneAppendMicros).toBeGreaterThan(0);
    expect(figures.sqliteFloor.groupOf8Micros).toBeGreaterThan(0);
    for (const best of Object.values(figures.reachable)) expect(best).toBeGreaterThan(0);
    expect(formatCommandTargets(figures)).toContain('best reachable with the guarantees');
  }, 300_000);

  it('measures every figure on a tiny log, with the JSON names the issue asks for and a table for people', async () => {
    const result = await runBenchmark({ sizes: [1_000, 2_000], longStreamEvents: 300, serviceOrders: 40 });
    expect(result.sizes.map((size) => size.targetEvents)).toEqual([1_000, 2_000]);
    for (const size of result.sizes) {
      expect(size.events).toBeGreaterThan(size.targetEvents * 0.8);
      // Only the simulated year's deliberate refusals, which show the rules at work.
      expect(size.refusedCommands).toBeLessThanOrEqual(deliberateRefusals.size);
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
        size.readSide.floorEventsPerSecond,
        size.readSide.sqlite.eventsPerSecond,
        size.readSide.sqlite.peakRssMb,
        size.readSide.postgres.eventsPerSecond,
        size.readSide.postgres.serverCpuSeconds,
        size.readSide.auditTrail.firstPageMs,
        size.readSide.auditTrail.startupMs,
        size.readSide.auditTrail.peakRssMb,
      ]) {
        expect(figure).toBeGreaterThan(0);
      }
      // The rebuilds read every event of the log (the accepted commands', and for each refusal its journal entry and, when the
      // security log keeps it, a security-log entry), and the CLI printed an entry for each.
      expect(size.readSide.events).toBeGreaterThanOrEqual(size.events);
      expect(size.readSide.events).toBeLessThanOrEqual(size.events + 2 * size.refusedCommands);
      expect(size.readSide.auditTrail.entries).toBe(size.readSide.events);
    }
    const { service } = result.readSide;
    expect(service.orders).toBe(40);
    expect(service.commands).toBeGreaterThan(0);
    expect(service.withQueries.refused).toBe(service.withoutQueries.refused);
    expect(service.withQueries.queries).toBeGreaterThan(0);
    expect(service.withQueries.queryP99Ms).toBeGreaterThan(0);
    expect(result.readSide.rebuildPeakRssGrowth).toBeGreaterThan(0);
    expect(Object.keys(result.readSide.targetsMet)).toEqual(Object.keys(readSideTargets));
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
    expect(formatTable(result)).toContain('rebuild SQLite → PostgreSQL');
  }, 900_000);
});
