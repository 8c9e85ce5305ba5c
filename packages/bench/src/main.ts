import { runBenchmark, runReadSideBenchmark } from './benchmark.js';
import { formatCommandTargets, measureCommandGrowth, measureCommandTargets } from './command-targets.js';
import { formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';
import { formatReadSide } from './read-side-report.js';
import { describeMachine, formatTable, machine } from './report.js';
import { formatTelemetryCost, measureTelemetryCost } from './telemetry-cost.js';
import { fullSizes, ordersFor } from './workload.js';

const usage = `usage: pnpm bench [--quick] [--json] [--sizes 10000,100000] [--commands] [--telemetry] [--read-side [--logs <folder>]] [--service-orders 20000]
  --quick           the smallest size only (about 10,000 events), in well under a minute
  --json            one JSON object on stdout instead of tables
  --sizes           log sizes in events, comma-separated
  --commands        only the command pipeline's targets, on the year of the smallest size given (100,000 events by default),
                    and with two sizes or more the growth of the commands' cost from the smallest to the largest
  --telemetry       only the cost of the OpenTelemetry instrumentation: commands without and with an SDK
  --read-side       only the read side's figures (rebuilds into SQLite and PostgreSQL, audit trail, service scenario)
  --logs            with --read-side: keep the logs in this folder as <events>.db and use them again next time
  --service-orders  repair orders in the service scenario's log (20,000 by default)`;

const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const valueOf = (flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? (args[at + 1] ?? '') : undefined;
};
const sizesGiven = valueOf('--sizes');
const sizes = sizesGiven !== undefined ? sizesGiven.split(',').map(Number) : args.includes('--quick') ? [fullSizes[0]] : [...fullSizes];
const serviceOrders = Number(valueOf('--service-orders') ?? 20_000);
const logs = valueOf('--logs');
if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1000) || !Number.isInteger(serviceOrders) || serviceOrders < 1 || logs === '') {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const json = args.includes('--json');
const started = Date.now();
const progress = (message: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`);
if (args.includes('--commands')) {
  const smallest = sizesGiven === undefined ? 100_000 : Math.min(...sizes);
  const figures = await measureCommandTargets(ordersFor(smallest), progress);
  const growth = sizes.length > 1 && sizesGiven !== undefined ? await measureCommandGrowth(ordersFor(smallest), ordersFor(Math.max(...sizes)), progress) : undefined;
  const result = { machine: machine(), ...figures, ...(growth === undefined ? {} : { growth }) };
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${describeMachine(result.machine)}\n${formatCommandTargets(figures, growth)}\n`);
} else if (args.includes('--telemetry')) {
  const result = { machine: machine(), ...(await measureTelemetryCost(ordersFor(sizesGiven === undefined ? 100_000 : Math.min(...sizes)), progress)) };
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${describeMachine(result.machine)}\n${formatTelemetryCost(result)}\n`);
} else if (args.includes('--read-side')) {
  const result = { machine: machine(), ...(await runReadSideBenchmark({ sizes, serviceOrders, progress, ...(logs === undefined ? {} : { logs }) })) };
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `${describeMachine(result.machine)}\n${formatReadSide(result)}\n`);
} else {
  const result = await runBenchmark({ sizes, serviceOrders, progress });
  // The command pipeline's targets run on the year of the last size but one (100,000 events in a full run); growth is to the last.
  const figures = await measureCommandTargets(ordersFor(sizes.at(-2) ?? sizes[0]!), progress);
  const last = result.growth.at(-1);
  const growth = last === undefined ? undefined : { fromEvents: last.fromEvents, toEvents: last.toEvents, memory: last.costRatio.commandsMemory, sqlite: last.costRatio.commandsSqlite };
  const commandPipeline = { ...figures, ...(growth === undefined ? {} : { growth }) };
  // The EventStoreDB figures run on the smallest size: every command is a round trip or two on loopback.
  const eventStoreDB = await measureEventStoreDB(ordersFor(Math.min(...sizes)));
  process.stdout.write(
    json
      ? `${JSON.stringify({ ...result, commandPipeline, eventStoreDB }, null, 2)}\n`
      : `${formatTable(result)}\n\n${formatCommandTargets(figures, growth)}\n\n${formatEventStoreDB(eventStoreDB)}\n`,
  );
}
