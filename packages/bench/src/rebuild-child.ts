import { openSqlite } from './sqlite.js';
import { rebuildIntoLogFile, rebuildIntoPostgres } from './rebuild.js';

/**
 * Rebuilds the read models from a SQLite log, in a process of its own so that the peak resident
 * memory it reports is the rebuild's alone: into the log's own file (where `aftersales kpi` and
 * `audit trail` read them), or into PostgreSQL when a connection string follows. Prints one JSON line.
 * The log is opened without a memory map, as a rebuild that must stay small opens it: mapped pages of
 * the log would count in the peak resident memory.
 */
const [path, postgresUrl] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: rebuild-child <sqlite file> [postgres://…]');
const store = openSqlite(path, { mmapSizeBytes: 0 });
const run = postgresUrl === undefined ? await rebuildIntoLogFile(store) : await rebuildIntoPostgres(store, postgresUrl);
await store.close();
process.stdout.write(
  `${JSON.stringify({ events: run.events, seconds: run.seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, peakAnonymousRssMb: run.peakAnonymousRssMb })}\n`,
);
