import Table from 'cli-table3';
import { round } from './compiled-runs.js';
import type { ReadSideFigures } from './read-side.js';
import type { ServiceFigures } from './service.js';

/** The read side's targets (issue 12), judged at the largest size measured. */
export const readSideTargets = {
  rebuildPeakRssMb: 300,
  /** The largest size's peak over the one before it (1M events over 100k in a full run). */
  rebuildPeakRssGrowth: 1.3,
  rebuildEventsPerSecondSqlite: 150_000,
  auditTrailFirstPageMs: 1000,
  serviceQueryP99Ms: 50,
  /** Command throughput with queries over without: within 20%. */
  serviceThroughputRatio: 0.8,
} as const;

export interface ReadSideResult {
  readonly sizes: readonly ReadSideFigures[];
  readonly rebuildPeakRssGrowth?: number;
  readonly service: ServiceFigures;
  readonly targetsMet: Readonly<Record<keyof typeof readSideTargets, boolean>>;
}

export const summariseReadSide = (sizes: readonly ReadSideFigures[], service: ServiceFigures): ReadSideResult => {
  const largest = sizes.at(-1);
  if (largest === undefined) throw new Error('no size was measured');
  const before = sizes.at(-2);
  const growth = before === undefined ? undefined : round(largest.sqlite.peakRssMb / before.sqlite.peakRssMb);
  return {
    sizes,
    ...(growth === undefined ? {} : { rebuildPeakRssGrowth: growth }),
    service,
    targetsMet: {
      rebuildPeakRssMb: largest.sqlite.peakRssMb <= readSideTargets.rebuildPeakRssMb,
      rebuildPeakRssGrowth: growth !== undefined && growth <= readSideTargets.rebuildPeakRssGrowth,
      rebuildEventsPerSecondSqlite: largest.sqlite.eventsPerSecond >= readSideTargets.rebuildEventsPerSecondSqlite,
      auditTrailFirstPageMs: largest.auditTrail.firstPageMs < readSideTargets.auditTrailFirstPageMs,
      serviceQueryP99Ms: service.withQueries.queryP99Ms <= readSideTargets.serviceQueryP99Ms,
      serviceThroughputRatio: service.throughputRatio >= readSideTargets.serviceThroughputRatio,
    },
  };
};

const plain = { head: [], border: [] };
const count = (value: number): string => Math.round(value).toLocaleString('en-US');
const yes = (met: boolean): string => (met ? 'yes' : 'no');

/** The read side's figures as tables for people. */
export const formatReadSide = (result: ReadSideResult): string => {
  const { sizes, service } = result;
  const figures = new Table({ style: plain, head: ['read side', ...sizes.map((size) => `${count(size.events)} events`)] });
  const row = (label: string, pick: (size: ReadSideFigures) => string) => figures.push([label, ...sizes.map(pick)]);
  row('floor events/CPU-s (JSON.parse + SHA-256 + evolve)', (size) => count(size.floorEventsPerSecond));
  row('rebuild SQLite → SQLite, verified, events/CPU-s', (size) => count(size.sqlite.eventsPerSecond));
  row('  cost over the floor', (size) => `${size.sqlite.costOverFloor.toFixed(2)}×`);
  row('  events/s by the wall clock', (size) => count(size.sqlite.wallEventsPerSecond));
  row('  peak RSS MB (own process; its own memory without mapped files)', (size) => `${count(size.sqlite.peakRssMb)} (${count(size.sqlite.peakAnonymousRssMb)})`);
  row('rebuild SQLite → PostgreSQL, events/CPU-s (client + server)', (size) => count(size.postgres.eventsPerSecond));
  row('  client alone, events/CPU-s', (size) => count(size.postgres.clientEventsPerSecond));
  row('  cost over the SQLite rebuild (CPU)', (size) => `${size.postgres.costOverSqlite.toFixed(2)}×`);
  row('  events/s by the wall clock', (size) => count(size.postgres.wallEventsPerSecond));
  row('  peak RSS MB (client process)', (size) => count(size.postgres.peakRssMb));
  row('audit trail: first page ms (spawn to first bytes)', (size) => count(size.auditTrail.firstPageMs));
  row('  start-up alone ms (aftersales --version)', (size) => count(size.auditTrail.startupMs));
  row('  whole trail as JSON: entries, MB, s', (size) => `${count(size.auditTrail.entries)}, ${size.auditTrail.megabytes}, ${size.auditTrail.wholeTrailSeconds}`);
  row('  peak RSS MB of the whole trail (start-up alone)', (size) => `${count(size.auditTrail.peakRssMb)} (${count(size.auditTrail.startupPeakRssMb)})`);
  const scenario = new Table({ style: plain, head: [`service: ${service.callers} callers, ${service.queriers} KPI queriers, log of ${count(service.orders)} orders`, 'figure'] });
  scenario.push(
    ['commands sent per run (refused)', `${count(service.commands)} (${service.withoutQueries.refused})`],
    ['commands/s without queries (wall clock)', count(service.withoutQueries.commandsPerSecond)],
    ['commands/s with queries (wall clock)', count(service.withQueries.commandsPerSecond)],
    ['throughput with / without queries', service.throughputRatio.toFixed(2)],
    ['queries answered', count(service.withQueries.queries)],
    ['query p50 / p99 / max ms', `${service.withQueries.queryP50Ms} / ${service.withQueries.queryP99Ms} / ${service.withQueries.queryMaxMs}`],
    ['  months asked for the first time: count, p50 ms', `${service.withQueries.firstAsks}, ${service.withQueries.firstAskP50Ms}`],
    ['  the months asked again: p99 ms', String(service.withQueries.repeatedQueryP99Ms)],
    ['queries answered behind the head (no wait), most events behind', `${count(service.withQueries.answeredBehindHead)}, ${count(service.withQueries.maxLagEvents)}`],
  );
  const met = new Table({ style: plain, head: ['read-side target (largest size)', 'figure', 'met'] });
  const largest = sizes.at(-1)!;
  met.push(
    [`≤ ${readSideTargets.rebuildPeakRssMb} MB peak RSS of the SQLite rebuild`, count(largest.sqlite.peakRssMb), yes(result.targetsMet.rebuildPeakRssMb)],
    [`≤ ${readSideTargets.rebuildPeakRssGrowth}× that peak over the size before`, result.rebuildPeakRssGrowth === undefined ? 'one size only' : `${result.rebuildPeakRssGrowth}×`, yes(result.targetsMet.rebuildPeakRssGrowth)],
    [`≥ ${count(readSideTargets.rebuildEventsPerSecondSqlite)} events/CPU-s, SQLite → SQLite verified`, count(largest.sqlite.eventsPerSecond), yes(result.targetsMet.rebuildEventsPerSecondSqlite)],
    [`< ${count(readSideTargets.auditTrailFirstPageMs)} ms to the audit trail's first page`, count(largest.auditTrail.firstPageMs), yes(result.targetsMet.auditTrailFirstPageMs)],
    [`≤ ${readSideTargets.serviceQueryP99Ms} ms KPI query p99 under load`, String(service.withQueries.queryP99Ms), yes(result.targetsMet.serviceQueryP99Ms)],
    [`commands/s with queries ≥ ${readSideTargets.serviceThroughputRatio} × without`, service.throughputRatio.toFixed(2), yes(result.targetsMet.serviceThroughputRatio)],
  );
  return [figures.toString(), scenario.toString(), met.toString()].join('\n');
};
