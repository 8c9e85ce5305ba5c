import { randomUUID } from 'node:crypto';
import type { EventStore, EventToAppend } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { EventStoreDBEventStore } from '@aftersales/eventstoredb';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import * as E from 'fp-ts/lib/Either.js';
import { runCommands } from './pipeline.js';
import { temporarySqliteStore } from './sqlite.js';

/**
 * The EventStoreDB adapter over the wire-level test server on loopback, beside SQLite on the same
 * commands. The server runs in this process, so rates are by the wall clock (CPU time would count the
 * server's work too); round trips are the calls the server answered.
 */
export interface EventStoreDBFigures {
  readonly commands: number;
  readonly refusedCommands: number;
  readonly commandsPerSecond: number;
  readonly commandsPerSecondSqlite: number;
  /** Calls per command, its load and its append together. */
  readonly roundTripsPerCommand: number;
  /** Calls per append of the command pipeline (a single event, mostly, on a stream the store knows). */
  readonly roundTripsPerAppend: number;
  /** Calls per single-event append to a stream the store wrote and then loaded: the remembered-head path. */
  readonly roundTripsPerKnownStreamAppend: number;
}

/** Counts the server's calls made inside `appendToStream`, leaving everything else as it is. */
const countingAppends = (store: EventStore, server: EventStoreDBTestServer) => {
  const counted = { appends: 0, roundTrips: 0 };
  const wrapped: EventStore = {
    appendToStream: async (streamId, events, options) => {
      const before = server.roundTrips;
      const result = await store.appendToStream(streamId, events, options);
      counted.appends += 1;
      counted.roundTrips += server.roundTrips - before;
      return result;
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribeToAll: (options) => store.subscribeToAll(options),
    close: () => store.close(),
  };
  return { wrapped, counted };
};

const openOn = (server: EventStoreDBTestServer): EventStoreDBEventStore => {
  const opened = EventStoreDBEventStore.fromConnectionString(server.connectionString);
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

/** One event of the known-stream loop; the pipeline's commands make the rest. */
const benchEvent = (): EventToAppend => {
  const eventId = randomUUID();
  return {
    eventId,
    type: 'BenchTicked',
    data: { at: eventId },
    metadata: { commandId: eventId, correlationId: eventId, causationId: eventId, actor: { id: 'bench', role: 'Tester' }, occurredAt: '2026-03-02T09:00:00Z', schemaVersion: 1 },
  };
};

const perSecond = (count: number, seconds: number): number => Math.round(count / seconds);
const perCall = (calls: number, count: number): number => Number((calls / Math.max(1, count)).toFixed(2));

export const measureEventStoreDB = async (orders: number, knownStreamAppends = 500): Promise<EventStoreDBFigures> => {
  const server = await EventStoreDBTestServer.start();
  const store = openOn(server);
  try {
    const { wrapped, counted } = countingAppends(store, server);
    const before = server.roundTrips;
    const run = await runCommands(wrapped, orders);
    const commandRoundTrips = server.roundTrips - before;

    const stream = 'BenchKnown-1';
    await store.appendToStream(stream, [benchEvent()], { expectedRevision: 'noStream' });
    let knownRoundTrips = 0;
    for (let revision = 0; revision < knownStreamAppends; revision += 1) {
      // As a command does: load (here the last event, which confirms the head), then append.
      await collect(store.readStream(stream, { from: revision }));
      const before = server.roundTrips;
      const appended = await store.appendToStream(stream, [benchEvent()], { expectedRevision: revision });
      knownRoundTrips += server.roundTrips - before;
      if (E.isLeft(appended)) throw new Error(appended.left.message);
    }

    const sqlite = temporarySqliteStore('beside-eventstoredb');
    let sqliteSeconds: number;
    try {
      sqliteSeconds = (await runCommands(sqlite.store, orders)).seconds.wall;
    } finally {
      await sqlite.remove();
    }
    return {
      commands: run.commands,
      refusedCommands: run.refused,
      commandsPerSecond: perSecond(run.commands, run.seconds.wall),
      commandsPerSecondSqlite: perSecond(run.commands, sqliteSeconds),
      roundTripsPerCommand: perCall(commandRoundTrips, run.commands),
      roundTripsPerAppend: perCall(counted.roundTrips, counted.appends),
      roundTripsPerKnownStreamAppend: perCall(knownRoundTrips, knownStreamAppends),
    };
  } finally {
    await store.close();
    await server.close();
  }
};

export const formatEventStoreDB = (figures: EventStoreDBFigures): string =>
  [
    `EventStoreDB adapter over the test server on loopback (${figures.commands} commands, wall clock):`,
    `  commands/s                          ${figures.commandsPerSecond} (SQLite on the same commands: ${figures.commandsPerSecondSqlite})`,
    `  round trips per command             ${figures.roundTripsPerCommand}`,
    `  round trips per append              ${figures.roundTripsPerAppend}`,
    `  round trips per single-event append to a known stream  ${figures.roundTripsPerKnownStreamAppend}`,
  ].join('\n');
