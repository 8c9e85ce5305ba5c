import { openSqlite } from './sqlite.js';
import { rebuildIntoSqlite } from './rebuild.js';

/**
 * Rebuilds the read models from a SQLite log into a SQLite file of their own, in a process of its
 * own, so that the peak resident memory it reports is the rebuild's alone. Prints one JSON line.
 */
const path = process.argv[2];
if (path === undefined) throw new Error('usage: rebuild-child <sqlite file>');
const store = openSqlite(path);
const run = await rebuildIntoSqlite(store);
await store.close();
process.stdout.write(`${JSON.stringify({ events: run.events, seconds: run.seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
