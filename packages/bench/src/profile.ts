import { InMemoryEventStore } from '@aftersales/core';
import { runCommands } from './pipeline.js';
import { rebuildReadModels } from './rebuild.js';
import { openSqlite, temporarySqliteStore } from './sqlite.js';
import { ordersFor } from './workload.js';

/**
 * One phase of the benchmark alone, to run under a profiler:
 * `node --cpu-prof --conditions=@aftersales/source --import tsx packages/bench/src/profile.ts commands|commands-sqlite|rebuild|rebuild-sqlite [events]`.
 */
const [phase = 'commands', size = '20000'] = process.argv.slice(2);
const orders = ordersFor(Number(size));
const report = (what: string, count: number, seconds: { cpu: number; wall: number }) =>
  process.stdout.write(`${what}: ${count} in ${seconds.cpu.toFixed(2)} s of CPU (${seconds.wall.toFixed(2)} s wall) = ${Math.round(count / seconds.cpu)}/s\n`);

if (phase === 'commands' || phase === 'rebuild') {
  const store = new InMemoryEventStore();
  const run = await runCommands(store, orders);
  if (phase === 'commands') report('commands', run.commands, run.seconds);
  else {
    const rebuilt = await rebuildReadModels(store);
    report('rebuild events', rebuilt.events, rebuilt.seconds);
  }
} else if (phase === 'commands-sqlite' || phase === 'rebuild-sqlite') {
  const sqlite = temporarySqliteStore('profile');
  try {
    const run = await runCommands(sqlite.store, orders);
    if (phase === 'commands-sqlite') report('commands', run.commands, run.seconds);
    else {
      const reopened = openSqlite(sqlite.path);
      const rebuilt = await rebuildReadModels(reopened);
      await reopened.close();
      report('rebuild events', rebuilt.events, rebuilt.seconds);
    }
  } finally {
    await sqlite.remove();
  }
} else {
  throw new Error(`unknown phase ${phase}`);
}
