import { runBenchmark } from './benchmark.js';
import { formatEventStoreDB, measureEventStoreDB } from './eventstoredb.js';
import { formatTable } from './report.js';
import { fullSizes, ordersFor } from './workload.js';

const usage = `usage: pnpm bench [--quick] [--json] [--sizes 10000,100000]
  --quick   the smallest size only (about 10,000 events), in well under a minute
  --json    one JSON object on stdout instead of tables
  --sizes   log sizes in events, comma-separated`;

const args = process.argv.slice(2);
if (args.includes('--help')) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const sizesAt = args.indexOf('--sizes');
const sizes =
  sizesAt >= 0
    ? (args[sizesAt + 1] ?? '').split(',').map(Number)
    : args.includes('--quick')
      ? [fullSizes[0]]
      : [...fullSizes];
if (sizes.length === 0 || sizes.some((size) => !Number.isInteger(size) || size < 1000)) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const json = args.includes('--json');
const started = Date.now();
const result = await runBenchmark({
  sizes,
  progress: (message) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}\n`),
});
// The EventStoreDB figures run on the smallest size: every command is a round trip or two on loopback.
const eventStoreDB = await measureEventStoreDB(ordersFor(Math.min(...sizes)));
process.stdout.write(
  json ? `${JSON.stringify({ ...result, eventStoreDB }, null, 2)}\n` : `${formatTable(result)}\n\n${formatEventStoreDB(eventStoreDB)}\n`,
);
