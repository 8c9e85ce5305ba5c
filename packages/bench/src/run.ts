import type { RecordedEvent } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { floorCommands, floorRebuild } from './floor.js';
import { LONG_STREAM_EVENTS, timeLongStreamFold, timeLongStreamLoad, writeLongStream } from './long-stream.js';
import { appendLog, runCommands } from './pipeline.js';
import type { ReadSideFigures } from './read-side.js';
import { measureReadSide } from './read-side.js';
import { rebuildReadModels } from './rebuild.js';
import { temporarySqliteStore } from './sqlite.js';
import type { Timing } from './stopwatch.js';
import { ordersFor } from './workload.js';

/**
 * Every figure of one log size. Rates are per second of the process's CPU time (the wall clock of a
 * shared machine also counts other processes); `wallClock` has the same rates by the wall clock.
 * A cost over the floor is how many times the floor's time the figure takes.
 */
export interface SizeFigures {
  readonly targetEvents: number;
  readonly orders: number;
  readonly commands: number;
  readonly refusedCommands: number;
  /** Events the command pipeline appended: the log that is then rebuilt. */
  readonly events: number;
  readonly commandsPerSecondMemory: number;
  readonly commandsPerSecondSqlite: number;
  readonly appendEventsPerSecondMemory: number;
  readonly appendEventsPerSecondSqlite: number;
  readonly rebuildEventsPerSecondMemory: number;
  readonly rebuildEventsPerSecondSqlite: number;
  /** Peak resident memory of the rebuild from SQLite, measured in a process of its own. */
  readonly rebuildPeakRssMb: number;
  /** The read side over the SQLite log: rebuilds into SQLite and PostgreSQL, their floor, the audit trail. */
  readonly readSide: ReadSideFigures;
  /** Events in the long stream whose load is timed (10,000 but in tests). */
  readonly longStreamEvents: number;
  readonly loadLongStreamMsMemory: number;
  readonly loadLongStreamMsSqlite: number;
  readonly floorCommandsPerSecond: number;
  readonly floorRebuildEventsPerSecond: number;
  readonly floorLongStreamFoldMs: number;
  readonly wallClock: {
    readonly commandsPerSecondMemory: number;
    readonly commandsPerSecondSqlite: number;
    readonly appendEventsPerSecondMemory: number;
    readonly appendEventsPerSecondSqlite: number;
    readonly rebuildEventsPerSecondMemory: number;
    readonly rebuildEventsPerSecondSqlite: number;
    readonly floorCommandsPerSecond: number;
    readonly floorRebuildEventsPerSecond: number;
  };
  readonly costOverFloor: {
    readonly commandsMemory: number;
    readonly commandsSqlite: number;
    readonly rebuildMemory: number;
    readonly rebuildSqlite: number;
    readonly loadLongStreamMemory: number;
    readonly loadLongStreamSqlite: number;
  };
}

const rate = (count: number, seconds: Timing): number => (seconds.cpu > 0 ? Math.round(count / seconds.cpu) : 0);
const wallRate = (count: number, seconds: Timing): number => (seconds.wall > 0 ? Math.round(count / seconds.wall) : 0);
const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export type Progress = (message: string) => void;

/** The in-memory figures; the log they build is left behind when this returns, before SQLite's turn. */
const measureMemory = async (targetEvents: number, orders: number, progress: Progress, longStreamEvents: number) => {
  progress(`${targetEvents} events: commands in memory`);
  const memory = new InMemoryEventStore();
  const memoryRun = await runCommands(memory, orders);

  progress(`${targetEvents} events: rebuild from memory`);
  const memoryRebuild = await rebuildReadModels(memory);
  const log = await collect(memory.readAll());
  if (E.isLeft(log)) throw new Error(log.left.message);
  const floorRebuildRun = floorRebuild(log.right as RecordedEvent[]);
  log.right.length = 0;

  progress(`${targetEvents} events: appends in memory`);
  const memoryAppend = await appendLog(memory, new InMemoryEventStore());

  progress(`${targetEvents} events: long stream in memory`);
  const longStream = await writeLongStream(memory, longStreamEvents);
  const loadMemoryMs = await timeLongStreamLoad(memory);
  const foldMs = timeLongStreamFold(longStream);
  await memory.close();
  return { memoryRun, memoryRebuild, floorRebuildRun, memoryAppend, loadMemoryMs, foldMs };

};

/** Measures every figure at one log size; `progress` hears what is being measured. */
export const measureSize = async (
  targetEvents: number,
  postgresUrl: string,
  progress: Progress = () => undefined,
  longStreamEvents = LONG_STREAM_EVENTS,
): Promise<SizeFigures> => {
  const orders = ordersFor(targetEvents);
  progress(`${targetEvents} events: floor`);
  const floor = floorCommands(orders);

  const { memoryRun, memoryRebuild, floorRebuildRun, memoryAppend, loadMemoryMs, foldMs } = await measureMemory(targetEvents, orders, progress, longStreamEvents);

  progress(`${targetEvents} events: commands in SQLite`);
  const sqlite = temporarySqliteStore('commands');
  try {
    const sqliteRun = await runCommands(sqlite.store, orders);
    const readSide = await measureReadSide(sqlite.path, postgresUrl, (message) => progress(`${targetEvents} events: ${message}`));
    const sqliteRebuild = readSide.sqliteRebuild;

    progress(`${targetEvents} events: appends in SQLite`);
    const target = temporarySqliteStore('appends');
    const sqliteAppend = await appendLog(sqlite.store, target.store).finally(() => target.remove());

    progress(`${targetEvents} events: long stream in SQLite`);
    await writeLongStream(sqlite.store, longStreamEvents);
    const loadSqliteMs = await timeLongStreamLoad(sqlite.store);

    const floorCommandsPerSecond = rate(floor.count, floor.seconds);
    const floorRebuildEventsPerSecond = rate(floorRebuildRun.count, floorRebuildRun.seconds);
    const commandsPerSecondMemory = rate(memoryRun.commands, memoryRun.seconds);
    const commandsPerSecondSqlite = rate(sqliteRun.commands, sqliteRun.seconds);
    const rebuildEventsPerSecondMemory = rate(memoryRebuild.events, memoryRebuild.seconds);
    const rebuildEventsPerSecondSqlite = rate(sqliteRebuild.events, sqliteRebuild.seconds);
    return {
      targetEvents,
      orders,
      commands: memoryRun.commands,
      refusedCommands: memoryRun.refused,
      events: memoryRun.events,
      commandsPerSecondMemory,
      commandsPerSecondSqlite,
      appendEventsPerSecondMemory: rate(memoryAppend.events, memoryAppend.seconds),
      appendEventsPerSecondSqlite: rate(sqliteAppend.events, sqliteAppend.seconds),
      rebuildEventsPerSecondMemory,
      rebuildEventsPerSecondSqlite,
      rebuildPeakRssMb: Math.round(sqliteRebuild.peakRssMb),
      readSide: readSide.figures,
      longStreamEvents,
      loadLongStreamMsMemory: round(loadMemoryMs),
      loadLongStreamMsSqlite: round(loadSqliteMs),
      floorCommandsPerSecond,
      floorRebuildEventsPerSecond,
      floorLongStreamFoldMs: round(foldMs),
      wallClock: {
        commandsPerSecondMemory: wallRate(memoryRun.commands, memoryRun.seconds),
        commandsPerSecondSqlite: wallRate(sqliteRun.commands, sqliteRun.seconds),
        appendEventsPerSecondMemory: wallRate(memoryAppend.events, memoryAppend.seconds),
        appendEventsPerSecondSqlite: wallRate(sqliteAppend.events, sqliteAppend.seconds),
        rebuildEventsPerSecondMemory: wallRate(memoryRebuild.events, memoryRebuild.seconds),
        rebuildEventsPerSecondSqlite: wallRate(sqliteRebuild.events, sqliteRebuild.seconds),
        floorCommandsPerSecond: wallRate(floor.count, floor.seconds),
        floorRebuildEventsPerSecond: wallRate(floorRebuildRun.count, floorRebuildRun.seconds),
      },
      costOverFloor: {
        commandsMemory: round(floorCommandsPerSecond / commandsPerSecondMemory),
        commandsSqlite: round(floorCommandsPerSecond / commandsPerSecondSqlite),
        rebuildMemory: round(floorRebuildEventsPerSecond / rebuildEventsPerSecondMemory),
        rebuildSqlite: round(floorRebuildEventsPerSecond / rebuildEventsPerSecondSqlite),
        loadLongStreamMemory: round(loadMemoryMs / foldMs),
        loadLongStreamSqlite: round(loadSqliteMs / foldMs),
      },
    };
  } finally {
    await sqlite.remove();
  }
};
