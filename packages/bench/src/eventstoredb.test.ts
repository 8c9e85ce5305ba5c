import { describe, expect, it } from 'vitest';
import type { EventStore } from '@aftersales/core';
import { InMemoryEventStore } from '@aftersales/core';
import { countingAppends, formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';

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

describe('the append-counting wrapper', () => {
  it("passes the store's db.system, head and distance between positions through", async () => {
    const inner = new InMemoryEventStore();
    const store: EventStore = {
      dbSystem: 'eventstoredb',
      headPosition: async () => 4096n,
      positionsBetween: (from, to) => Number(to - (from ?? 0n)) / 128,
      appendToStream: (streamId, events, options) => inner.appendToStream(streamId, events, options),
      readStream: (streamId, options) => inner.readStream(streamId, options),
      readAll: (options) => inner.readAll(options),
      subscribeToAll: (options) => inner.subscribeToAll(options),
      close: () => inner.close(),
    };
    const { wrapped } = countingAppends(store, { roundTrips: 0 });
    expect(wrapped.dbSystem).toBe('eventstoredb');
    expect(await wrapped.headPosition?.()).toBe(4096n);
    expect(wrapped.positionsBetween?.(1024n, 4096n)).toBe(24);
  });
});
