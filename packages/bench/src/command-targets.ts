import * as E from 'fp-ts/lib/Either.js';
import Table from 'cli-table3';
import type { Command, EventStore } from '@aftersales/core';
import { InMemoryEventStore } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { DepartmentCommandJson } from '@aftersales/domain/simulation';
import { openDepartment } from './department.js';
import { floorCommands } from './floor.js';
import type { SqliteTransactionFloor } from './guarantee-floor.js';
import { guaranteeFloorCommands, sqliteTransactionFloor } from './guarantee-floor.js';
import { LONG_STREAM_ID, longStreamCommand, writeLongStream } from './long-stream.js';
import { runCommands } from './pipeline.js';
import { temporarySqliteStore } from './sqlite.js';
import type { Timing } from './stopwatch.js';
import { Stopwatch } from './stopwatch.js';
import { commandChunks } from './workload.js';

/**
 * The bare deciders' rate measured on this machine class before they were rewritten with `switch`
 * (best of two, 99,239 commands, 30 November 2026): the reference the faster deciders are held to.
 */
export const REFERENCE_FLOOR_COMMANDS_PER_SECOND = 120_038;

/** The command pipeline's targets, as ratios measured in one run. */
export const commandTargets = {
  pipelineOverFloor: 2.0,
  floorOverReference: 2.0,
  sqliteShareOfMemory: 0.4,
  groupCommitOverSequential: 2.0,
  growth100kTo1M: 11,
  longStreamOverShortStream: 2.0,
} as const;

export interface CommandTargetFigures {
  readonly commands: number;
  /** Best of two runs, interleaved with the pipeline's, commands per CPU second. */
  readonly floorCommandsPerSecond: number;
  /** The bare deciders with the steps the guarantees cannot do without (`guaranteeFloorCommands`), best of two. */
  readonly guaranteeFloorCommandsPerSecond: number;
  /** SQLite's own cost of an append, alone in its transaction and eight to a transaction (`sqliteTransactionFloor`). */
  readonly sqliteFloor: SqliteTransactionFloor;
  readonly memoryCommandsPerSecond: number;
  readonly sqliteCommandsPerSecond: number;
  /** 8 callers at once on one SQLite store with group commit, commands per CPU second and per wall second. */
  readonly sqliteConcurrentCommandsPerSecond: number;
  readonly sqliteConcurrentWallCommandsPerSecond: number;
  readonly sqliteWallCommandsPerSecond: number;
  /** CPU milliseconds to handle one command with a handler that never saw its stream: the median of several. */
  readonly shortStreamCommandMs: number;
  readonly longStreamCommandMs: number;
  readonly shortStreamEvents: number;
  readonly longStreamEvents: number;
  readonly ratios: {
    readonly pipelineOverFloor: number;
    readonly floorOverReference: number;
    readonly sqliteShareOfMemory: number;
    readonly groupCommitOverSequential: number;
    readonly longStreamOverShortStream: number;
  };
  /**
   * The best each ratio could be with the guarantees kept, from the floors measured in the same run:
   * the pipeline cannot cost less than the guarantee floor; SQLite cannot cost less than the
   * in-memory pipeline plus one append's transaction. Group commit has no such bound on its own: the
   * more one caller spends per transaction, the more sharing saves. Its figure is the ratio with one
   * caller at its floor (the in-memory pipeline plus a transaction of its own, against the pipeline
   * plus an eighth of a shared one): above it, one caller costs more than its floor, so the SQLite
   * share is further from its bound by the same token.
   */
  readonly reachable: {
    readonly pipelineOverFloor: number;
    readonly sqliteShareOfMemory: number;
    readonly groupCommitOverSequential: number;
  };
}

const rate = (count: number, seconds: Timing): number => (seconds.cpu > 0 ? Math.round(count / seconds.cpu) : 0);
const wallRate = (count: number, seconds: Timing): number => (seconds.wall > 0 ? Math.round(count / seconds.wall) : 0);
const ratio = (value: number): number => Number(value.toFixed(2));

/** The stream a command goes to, so that callers can share the year's streams without sharing one. */
const department = createDepartment({ store: new InMemoryEventStore() });
const streamOf = (command: DepartmentCommandJson): string => department.definitionFor(command.type)!.streamId(command as unknown as Command);

/**
 * The year sent by `callers` callers at once, each with the commands of its own streams in their
 * order, through one department over one store.
 */
export const runConcurrently = async (store: EventStore, orders: number, callers: number): Promise<{ commands: number; seconds: Timing }> => {
  const handler = openDepartment(store);
  let commands = 0;
  const stopwatch = new Stopwatch();
  for (const chunk of commandChunks(orders)) {
    const lanes: DepartmentCommandJson[][] = Array.from({ length: callers }, () => []);
    const laneOf = new Map<string, number>();
    for (const command of chunk) {
      const streamId = streamOf(command);
      let lane = laneOf.get(streamId);
      if (lane === undefined) laneOf.set(streamId, (lane = laneOf.size % callers));
      lanes[lane]!.push(command);
    }
    await stopwatch.timeAsync(() =>
      Promise.all(
        lanes.map(async (lane) => {
          for (const command of lane) await handler.handleUntrusted(command);
        }),
      ),
    );
    commands += chunk.length;
  }
  return { commands, seconds: stopwatch.seconds };
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * CPU milliseconds to handle one more command on a stream of `events` events, each time with a new
 * department, so that nothing of the stream is remembered in memory: what a command costs on a
 * stream last touched long ago, or by another process.
 */
export const timeCommandOnStream = async (events: number, repeats = 7): Promise<number> => {
  const store = new InMemoryEventStore();
  await writeLongStream(store, events);
  const times: number[] = [];
  for (let repeat = 0; repeat <= repeats; repeat += 1) {
    const fresh = openDepartment(store);
    const stopwatch = new Stopwatch();
    const handled = await stopwatch.timeAsync(() => fresh.handleUntrusted(longStreamCommand(events + repeat)));
    if (E.isLeft(handled)) throw new Error(`a command on ${LONG_STREAM_ID} was refused: ${handled.left.message}`);
    // The first command after the stream was written builds what later ones start from.
    if (repeat > 0) times.push(stopwatch.seconds.cpu * 1000);
  }
  return median(times);
};

export type Progress = (message: string) => void;

/** How much more the year's commands cost at a larger log than at a smaller one, in memory and on SQLite (CPU time). */
export interface CommandGrowth {
  readonly fromEvents: number;
  readonly toEvents: number;
  readonly memory: number;
  readonly sqlite: number;
}

const commandSeconds = async (orders: number, progress: Progress) => {
  progress(`commands: growth, ${orders} orders in memory`);
  const memory = await runCommands(new InMemoryEventStore(), orders);
  progress(`commands: growth, ${orders} orders on SQLite`);
  const log = temporarySqliteStore('growth');
  const sqlite = await runCommands(log.store, orders).finally(() => log.remove());
  return { events: memory.events, memory: memory.seconds.cpu, sqlite: sqlite.seconds.cpu };
};

export const measureCommandGrowth = async (fromOrders: number, toOrders: number, progress: Progress = () => undefined): Promise<CommandGrowth> => {
  const small = await commandSeconds(fromOrders, progress);
  const large = await commandSeconds(toOrders, progress);
  return { fromEvents: small.events, toEvents: large.events, memory: ratio(large.memory / small.memory), sqlite: ratio(large.sqlite / small.sqlite) };
};

/** Every figure of the command pipeline's targets but growth, which needs two log sizes (see `growthTarget`). */
export const measureCommandTargets = async (orders: number, progress: Progress = () => undefined, longStreamEvents = 10_000): Promise<CommandTargetFigures> => {
  let floor = 0;
  let guarded = 0;
  let memory = 0;
  let commands = 0;
  for (let round = 1; round <= 2; round += 1) {
    progress(`commands: floor and memory, round ${round} of 2`);
    const floorRun = floorCommands(orders);
    floor = Math.max(floor, rate(floorRun.count, floorRun.seconds));
    const guardedRun = guaranteeFloorCommands(orders);
    guarded = Math.max(guarded, rate(guardedRun.count, guardedRun.seconds));
    const memoryRun = await runCommands(new InMemoryEventStore(), orders);
    memory = Math.max(memory, rate(memoryRun.commands, memoryRun.seconds));
    commands = memoryRun.commands;
  }
  progress('commands: SQLite, one caller');
  const sequential = temporarySqliteStore('sequential');
  const sqliteRun = await runCommands(sequential.store, orders).finally(() => sequential.remove());
  progress('commands: SQLite, 8 callers with group commit');
  const grouped = temporarySqliteStore('grouped', { groupCommit: true });
  const concurrentRun = await runConcurrently(grouped.store, orders, 8).finally(() => grouped.remove());
  progress("commands: SQLite's own transactions");
  const sqliteFloor = sqliteTransactionFloor(Math.min(20_000, Math.max(800, commands)));
  progress('commands: a short and a long stream');
  const shortStreamEvents = 10;
  const shortStreamCommandMs = await timeCommandOnStream(shortStreamEvents);
  const longStreamCommandMs = await timeCommandOnStream(longStreamEvents);
  const sqlite = rate(sqliteRun.commands, sqliteRun.seconds);
  const concurrent = rate(concurrentRun.commands, concurrentRun.seconds);
  const memoryMicros = 1e6 / memory;
  return {
    commands,
    floorCommandsPerSecond: floor,
    guaranteeFloorCommandsPerSecond: guarded,
    sqliteFloor: { ...sqliteFloor, oneAppendMicros: ratio(sqliteFloor.oneAppendMicros), groupOf8Micros: ratio(sqliteFloor.groupOf8Micros) },
    memoryCommandsPerSecond: memory,
    sqliteCommandsPerSecond: sqlite,
    sqliteWallCommandsPerSecond: wallRate(sqliteRun.commands, sqliteRun.seconds),
    sqliteConcurrentCommandsPerSecond: concurrent,
    sqliteConcurrentWallCommandsPerSecond: wallRate(concurrentRun.commands, concurrentRun.seconds),
    shortStreamEvents,
    longStreamEvents,
    shortStreamCommandMs: ratio(shortStreamCommandMs),
    longStreamCommandMs: ratio(longStreamCommandMs),
    ratios: {
      pipelineOverFloor: ratio(floor / memory),
      floorOverReference: ratio(floor / REFERENCE_FLOOR_COMMANDS_PER_SECOND),
      sqliteShareOfMemory: ratio(sqlite / memory),
      groupCommitOverSequential: ratio(concurrent / sqlite),
      longStreamOverShortStream: ratio(longStreamCommandMs / shortStreamCommandMs),
    },
    reachable: {
      pipelineOverFloor: ratio(floor / guarded),
      sqliteShareOfMemory: ratio(memoryMicros / (memoryMicros + sqliteFloor.oneAppendMicros)),
      groupCommitOverSequential: ratio((memoryMicros + sqliteFloor.oneAppendMicros) / (memoryMicros + sqliteFloor.groupOf8Micros)),
    },
  };
};

const plain = { head: [], border: [] };
const count = (value: number): string => Math.round(value).toLocaleString('en-US');

/** The targets beside what was measured; growth is the commands' cost growth between two log sizes. */
export const formatCommandTargets = (figures: CommandTargetFigures, growth?: CommandGrowth): string => {
  const table = new Table({ style: plain, head: ['command pipeline target', 'measured', 'met', 'best reachable with the guarantees'] });
  const { ratios, reachable, sqliteFloor } = figures;
  const met = (ok: boolean) => (ok ? 'yes' : 'no');
  table.push(
    [`handle in memory ≤ ${commandTargets.pipelineOverFloor}× the bare deciders`, `${ratios.pipelineOverFloor}× (${count(figures.memoryCommandsPerSecond)} vs ${count(figures.floorCommandsPerSecond)} commands/s)`, met(ratios.pipelineOverFloor <= commandTargets.pipelineOverFloor), `${reachable.pipelineOverFloor}× (the guarantees' own steps: ${count(figures.guaranteeFloorCommandsPerSecond)} commands/s)`],
    [`bare deciders ≥ ${commandTargets.floorOverReference}× before (${count(REFERENCE_FLOOR_COMMANDS_PER_SECOND)}/s)`, `${ratios.floorOverReference}×`, met(ratios.floorOverReference >= commandTargets.floorOverReference), ''],
    [`SQLite, one caller ≥ ${commandTargets.sqliteShareOfMemory * 100}% of memory`, `${Math.round(ratios.sqliteShareOfMemory * 100)}% (${count(figures.sqliteCommandsPerSecond)} commands/s)`, met(ratios.sqliteShareOfMemory >= commandTargets.sqliteShareOfMemory), `${Math.round(reachable.sqliteShareOfMemory * 100)}% (a one-event transaction alone: ${sqliteFloor.oneAppendMicros} µs)`],
    [`SQLite, 8 callers with group commit ≥ ${commandTargets.groupCommitOverSequential}× one caller`, `${ratios.groupCommitOverSequential}× (${count(figures.sqliteConcurrentCommandsPerSecond)} commands/s; wall clock ${count(figures.sqliteConcurrentWallCommandsPerSecond)} vs ${count(figures.sqliteWallCommandsPerSecond)})`, met(ratios.groupCommitOverSequential >= commandTargets.groupCommitOverSequential), `${reachable.groupCommitOverSequential}× with one caller at its floor (an append eight to a transaction: ${sqliteFloor.groupOf8Micros} µs)`],
    [`a command on a ${count(figures.longStreamEvents)}-event stream ≤ ${commandTargets.longStreamOverShortStream}× one on a ${figures.shortStreamEvents}-event stream`, `${ratios.longStreamOverShortStream}× (${figures.longStreamCommandMs} vs ${figures.shortStreamCommandMs} ms)`, met(ratios.longStreamOverShortStream <= commandTargets.longStreamOverShortStream), ''],
  );
  if (growth !== undefined) {
    const { memory: commandsMemory, sqlite: commandsSqlite } = growth;
    table.push([
      `commands' cost from ${count(growth.fromEvents)} to ${count(growth.toEvents)} events ≤ ${commandTargets.growth100kTo1M}× (memory / SQLite)`,
      `${commandsMemory}× / ${commandsSqlite}×`,
      met(commandsMemory <= commandTargets.growth100kTo1M && commandsSqlite <= commandTargets.growth100kTo1M),
      '',
    ]);
  }
  return `the command pipeline on ${count(figures.commands)} commands of the simulated year\n${table.toString()}`;
};
