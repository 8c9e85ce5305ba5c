import { describe, expect, it } from 'vitest';
import { formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';

describe('the EventStoreDB figures', () => {
  it('count one round trip per command on a known stream through the command handler, and measure commands beside SQLite', async () => {
    const figures = await measureEventStoreDB(20, 50);
    expect(figures.roundTripsPerKnownStreamCommand).toBe(1);
    expect(figures.roundTripsPerAppend).toBeGreaterThanOrEqual(1);
    expect(figures.roundTripsPerCommand).toBeGreaterThan(figures.roundTripsPerAppend - 1);
    expect(figures.commands).toBeGreaterThan(0);
    expect(figures.commandsPerSecond).toBeGreaterThan(0);
    expect(figures.commandsPerSecondSqlite).toBeGreaterThan(0);
    expect(formatEventStoreDB(figures)).toContain('round trips per command on a known stream (one event, through the command handler)  1 (target 1)');
  }, 120_000);
});
