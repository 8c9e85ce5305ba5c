import type { AggregateDefinition, EventStore } from '@aftersales/core';
import { CommandMetadata, createCommandHandler, logHeadOf } from '@aftersales/core';
import { EventStoreDBEventStore } from '@aftersales/eventstoredb';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
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
  /** Calls per command through the command handler on a stream it handled before, each storing one event (target 1). */
  readonly roundTripsPerKnownStreamCommand: number;
}

/**
 * Counts the server's calls made inside `appendToStream`, leaving everything else as it is: the
 * store's `db.system` and its head pass through, so that the spans and the projections' lag read as
 * they would on the store itself.
 */
export const countingAppends = (store: EventStore, server: Pick<EventStoreDBTestServer, 'roundTrips'>) => {
  const counted = { appends: 0, roundTrips: 0 };
  const wrapped: EventStore = {
    ...(store.dbSystem === undefined ? {} : { dbSystem: store.dbSystem }),
    ...logHeadOf(store),
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

const Tick = z.strictObject({ type: z.literal('Tick'), data: z.strictObject({ tallyId: z.string() }), metadata: CommandMetadata });
type Tick = z.infer<typeof Tick>;
const Ticked = z.object({ type: z.literal('Ticked'), data: z.object({ tallyId: z.string() }) });

/** A tally that counts ticks: every command one event on the same stream, as the known-stream figure needs. */
const tally: AggregateDefinition<Tick, z.infer<typeof Ticked>, number> = {
  name: 'BenchTally',
  commandSchema: Tick,
  eventSchema: Ticked,
  commandTypes: ['Tick'],
  streamId: (command) => `BenchTally-${command.data.tallyId}`,
  authorize: () => E.right(undefined),
  decider: { initialState: 0, decide: (command) => E.right([{ type: 'Ticked', data: command.data }]), evolve: (ticks) => ticks + 1 },
};

const tick = (index: number): Tick => ({
  type: 'Tick',
  data: { tallyId: '1' },
  metadata: { commandId: `bench-tick-${index}`, actor: { id: 'bench', role: 'Tester' }, at: '2026-03-02T09:00:00Z' },
});

/** Round trips per command of the command handler on one stream, after its first command created it. */
const knownStreamCommands = async (store: EventStore, server: EventStoreDBTestServer, commands: number): Promise<number> => {
  const handler = createCommandHandler({ store, telemetry: false });
  const handle = async (index: number) => {
    const handled = await handler.handle(tally, tick(index));
    if (E.isLeft(handled)) throw new Error(handled.left.message);
  };
  await handle(0);
  const before = server.roundTrips;
  for (let index = 1; index <= commands; index += 1) await handle(index);
  return server.roundTrips - before;
};

const perSecond = (count: number, seconds: number): number => Math.round(count / seconds);
const perCall = (calls: number, count: number): number => Number((calls / Math.max(1, count)).toFixed(2));

export const measureEventStoreDB = async (orders: number, knownStreamCommandCount = 500): Promise<EventStoreDBFigures> => {
  const server = await EventStoreDBTestServer.start();
  const store = openOn(server);
  try {
    const { wrapped, counted } = countingAppends(store, server);
    const before = server.roundTrips;
    const run = await runCommands(wrapped, orders);
    const commandRoundTrips = server.roundTrips - before;

    const knownRoundTrips = await knownStreamCommands(store, server, knownStreamCommandCount);

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
      roundTripsPerKnownStreamCommand: perCall(knownRoundTrips, knownStreamCommandCount),
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
    `  round trips per command on a known stream (one event, through the command handler)  ${figures.roundTripsPerKnownStreamCommand} (target 1)`,
  ].join('\n');
