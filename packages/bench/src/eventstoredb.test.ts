import { describe, expect, it } from 'vitest';
import { formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';

describe('the EventStoreDB figures', () => {
  it('count one round trip per single-event append to a known stream, and measure commands beside SQLite', async () => {
    const figures = await measureEventStoreDB(20, 50);
    expect(figures.roundTripsPerKnownStreamAppend).toBe(1);
    expect(figures.roundTripsPerAppend).toBeGreaterThanOrEqual(1);
    expect(figures.roundTripsPerCommand).toBeGreaterThan(figures.roundTripsPerAppend - 1);
    expect(figures.commands).toBeGreaterThan(0);
    expect(figures.commandsPerSecond).toBeGreaterThan(0);
    expect(figures.commandsPerSecondSqlite).toBeGreaterThan(0);
    expect(formatEventStoreDB(figures)).toContain('round trips per single-event append to a known stream  1');
  }, 120_000);
});
