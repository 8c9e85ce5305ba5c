import { cpus, loadavg, totalmem } from 'node:os';
import Table from 'cli-table3';
import type { ReadSideResult } from './read-side-report.js';
import { formatReadSide } from './read-side-report.js';
import type { SizeFigures } from './run.js';

/** The targets for this machine class (one core of two). */
export const targets = {
  commandsPerSecondMemory: 100_000,
  commandsPerSecondSqlite: 20_000,
  rebuildEventsPerSecondMemory: 1_000_000,
  rebuildEventsPerSecondSqlite: 150_000,
  rebuildPeakRssMb: 300,
} as const;

type RateFigure = 'commandsMemory' | 'commandsSqlite' | 'appendMemory' | 'appendSqlite' | 'rebuildMemory' | 'rebuildSqlite' | 'loadLongStreamMemory' | 'loadLongStreamSqlite' | 'rebuildPeakRss';

export interface Growth {
  readonly fromEvents: number;
  readonly toEvents: number;
  readonly sizeRatio: number;
  /** How many times the smaller size's total cost the larger size's costs, per figure: about `sizeRatio` when linear (1 for the long-stream load and memory that should not grow). */
  readonly costRatio: Readonly<Record<RateFigure, number>>;
}

export interface BenchmarkResult {
  readonly machine: Machine;
  readonly sizes: readonly SizeFigures[];
  readonly growth: readonly Growth[];
  readonly commandsPerSecondMemory: number;
  readonly commandsPerSecondSqlite: number;
  readonly rebuildEventsPerSecondMemory: number;
  readonly rebuildEventsPerSecondSqlite: number;
  readonly rebuildPeakRssMb: number;
  readonly floorCommandsPerSecond: number;
  readonly floorRebuildEventsPerSecond: number;
  readonly targetsMet: Readonly<Record<keyof typeof targets, boolean>>;
  /** The read side's figures and the service scenario, with their own targets. */
  readonly readSide: ReadSideResult;
}

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGb: number;
  readonly node: string;
  /** The 15-minute load average at the end of the run: on a shared machine, how much others ran. */
  readonly loadAverage: number;
}

export const machine = (): Machine => ({
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  loadAverage: Number(loadavg()[2]!.toFixed(1)),
});

export const describeMachine = (measured: Machine): string =>
  `machine: ${measured.cpus} × ${measured.cpuModel}, ${measured.memoryGb} GB, Node ${measured.node}, load average ${measured.loadAverage} (15 min)`;

const cost = (count: number, perSecond: number): number => count / perSecond;
const ratio = (value: number): number => Number(value.toFixed(2));

export const growthBetween = (small: SizeFigures, large: SizeFigures): Growth => ({
  fromEvents: small.events,
  toEvents: large.events,
  sizeRatio: ratio(large.events / small.events),
  costRatio: {
    commandsMemory: ratio(cost(large.commands, large.commandsPerSecondMemory) / cost(small.commands, small.commandsPerSecondMemory)),
    commandsSqlite: ratio(cost(large.commands, large.commandsPerSecondSqlite) / cost(small.commands, small.commandsPerSecondSqlite)),
    appendMemory: ratio(cost(large.events, large.appendEventsPerSecondMemory) / cost(small.events, small.appendEventsPerSecondMemory)),
    appendSqlite: ratio(cost(large.events, large.appendEventsPerSecondSqlite) / cost(small.events, small.appendEventsPerSecondSqlite)),
    rebuildMemory: ratio(cost(large.events, large.rebuildEventsPerSecondMemory) / cost(small.events, small.rebuildEventsPerSecondMemory)),
    rebuildSqlite: ratio(cost(large.events, large.rebuildEventsPerSecondSqlite) / cost(small.events, small.rebuildEventsPerSecondSqlite)),
    loadLongStreamMemory: ratio(large.loadLongStreamMsMemory / small.loadLongStreamMsMemory),
    loadLongStreamSqlite: ratio(large.loadLongStreamMsSqlite / small.loadLongStreamMsSqlite),
    rebuildPeakRss: ratio(large.rebuildPeakRssMb / small.rebuildPeakRssMb),
  },
});

export const summarise = (sizes: readonly SizeFigures[], readSide: ReadSideResult): BenchmarkResult => {
  const largest = sizes.at(-1);
  if (largest === undefined) throw new Error('no size was measured');
  const growth = sizes.slice(1).map((size, index) => growthBetween(sizes[index]!, size));
  return {
    machine: machine(),
    sizes,
    growth,
    commandsPerSecondMemory: largest.commandsPerSecondMemory,
    commandsPerSecondSqlite: largest.commandsPerSecondSqlite,
    rebuildEventsPerSecondMemory: largest.rebuildEventsPerSecondMemory,
    rebuildEventsPerSecondSqlite: largest.rebuildEventsPerSecondSqlite,
    rebuildPeakRssMb: largest.rebuildPeakRssMb,
    floorCommandsPerSecond: largest.floorCommandsPerSecond,
    floorRebuildEventsPerSecond: largest.floorRebuildEventsPerSecond,
    targetsMet: {
      commandsPerSecondMemory: largest.commandsPerSecondMemory >= targets.commandsPerSecondMemory,
      commandsPerSecondSqlite: largest.commandsPerSecondSqlite >= targets.commandsPerSecondSqlite,
      rebuildEventsPerSecondMemory: largest.rebuildEventsPerSecondMemory >= targets.rebuildEventsPerSecondMemory,
      rebuildEventsPerSecondSqlite: largest.rebuildEventsPerSecondSqlite >= targets.rebuildEventsPerSecondSqlite,
      rebuildPeakRssMb: largest.rebuildPeakRssMb <= targets.rebuildPeakRssMb,
    },
    readSide,
  };
};

// No colours: the table is as often read from a log file as from a terminal.
const plain = { head: [], border: [] };
const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const times = (value: number): string => `${value.toFixed(1)}×`;

/** The result as tables for people: figures per size with their cost over the floor, then growth and targets. */
export const formatTable = (result: BenchmarkResult): string => {
  const sizes = result.sizes;
  const figures = new Table({ style: plain, head: ['figure', ...sizes.map((size) => `${count(size.events)} events`), 'cost over floor (largest)'] });
  const largest = sizes.at(-1)!;
  const row = (label: string, pick: (size: SizeFigures) => string, overFloor = '') => figures.push([label, ...sizes.map(pick), overFloor]);
  row('commands/s, memory', (size) => count(size.commandsPerSecondMemory), times(largest.costOverFloor.commandsMemory));
  row('commands/s, SQLite', (size) => count(size.commandsPerSecondSqlite), times(largest.costOverFloor.commandsSqlite));
  row('floor commands/s (bare deciders)', (size) => count(size.floorCommandsPerSecond));
  row('events/s appended, memory', (size) => count(size.appendEventsPerSecondMemory));
  row('events/s appended, SQLite', (size) => count(size.appendEventsPerSecondSqlite));
  row('rebuild events/s, memory', (size) => count(size.rebuildEventsPerSecondMemory), times(largest.costOverFloor.rebuildMemory));
  row('rebuild events/s, SQLite', (size) => count(size.rebuildEventsPerSecondSqlite), times(largest.costOverFloor.rebuildSqlite));
  row('floor rebuild events/s (bare evolve)', (size) => count(size.floorRebuildEventsPerSecond));
  row('rebuild peak RSS MB (SQLite, own process)', (size) => count(size.rebuildPeakRssMb));
  row(`load ${count(largest.longStreamEvents)}-event stream ms, memory`, (size) => size.loadLongStreamMsMemory.toFixed(1), times(largest.costOverFloor.loadLongStreamMemory));
  row(`load ${count(largest.longStreamEvents)}-event stream ms, SQLite`, (size) => size.loadLongStreamMsSqlite.toFixed(1), times(largest.costOverFloor.loadLongStreamSqlite));
  row('floor fold of that stream ms', (size) => size.floorLongStreamFoldMs.toFixed(1));
  row('commands (refused)', (size) => `${count(size.commands)} (${size.refusedCommands})`);

  const lines = [
    describeMachine(result.machine),
    figures.toString(),
  ];
  for (const growth of result.growth) {
    const table = new Table({ style: plain, head: [`cost growth ${count(growth.fromEvents)} → ${count(growth.toEvents)} events (size ×${growth.sizeRatio})`, 'cost ×'] });
    for (const [figure, value] of Object.entries(growth.costRatio)) table.push([figure, value.toFixed(2)]);
    lines.push(table.toString());
  }
  const met = new Table({ style: plain, head: ['target (largest size)', 'figure', 'met'] });
  met.push(
    ['≥ 100,000 commands/s in memory', count(result.commandsPerSecondMemory), result.targetsMet.commandsPerSecondMemory ? 'yes' : 'no'],
    ['≥ 20,000 commands/s in SQLite', count(result.commandsPerSecondSqlite), result.targetsMet.commandsPerSecondSqlite ? 'yes' : 'no'],
    ['≥ 1,000,000 rebuild events/s from memory', count(result.rebuildEventsPerSecondMemory), result.targetsMet.rebuildEventsPerSecondMemory ? 'yes' : 'no'],
    ['≥ 150,000 rebuild events/s from SQLite', count(result.rebuildEventsPerSecondSqlite), result.targetsMet.rebuildEventsPerSecondSqlite ? 'yes' : 'no'],
    ['≤ 300 MB peak RSS of the rebuild', count(result.rebuildPeakRssMb), result.targetsMet.rebuildPeakRssMb ? 'yes' : 'no'],
  );
  lines.push(met.toString(), formatReadSide(result.readSide));
  return lines.join('\n');
};
