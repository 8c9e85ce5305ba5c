import { readFileSync, writeFileSync } from 'node:fs';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import { runProgram, scratchDirectory } from '@aftersales/cli/testing';
import { simulatedCommandLines } from './support.js';

/**
 * The storage cases of EventStoreDB, over the wire-level test server, with the CLI run in this
 * process: the keys file bound to its log, and `import` staged behind a mark that hides a partial
 * import from every other command until a rerun finishes it.
 */
const scratch = scratchDirectory();
afterAll(() => scratch.cleanup());

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const aftersales = async (args: readonly string[], options: { readonly input?: string; readonly keys?: string } = {}): Promise<Ran> => {
  const collected = (stream: PassThrough) => {
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    return () => text;
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const [out, err] = [collected(stdout), collected(stderr)];
  // The store is opened with the process's environment: the keys file is named there for the run.
  const env = { ...process.env, AFTERSALES_KEYS: options.keys ?? scratch.file('import.keys.db'), AFTERSALES_STORE: undefined };
  const before = process.env['AFTERSALES_KEYS'];
  process.env['AFTERSALES_KEYS'] = env.AFTERSALES_KEYS;
  try {
    const code = await runProgram(args, { stdin: Readable.from(options.input === undefined ? [] : [options.input]), stdout, stderr, interactive: false, env });
    return { code, stdout: out(), stderr: err() };
  } finally {
    if (before === undefined) delete process.env['AFTERSALES_KEYS'];
    else process.env['AFTERSALES_KEYS'] = before;
  }
};

/** Each exported event as the log holds it, its `$all` position aside (each store numbers its own). */
const eventsOf = (lines: string) =>
  lines
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const { globalPosition: _position, ...event } = JSON.parse(line) as Record<string, unknown>;
      return event;
    });

describe('EventStoreDB: the keys file bound to its log', () => {
  it('refuses a missing or another store’s keys file, naming what to pass, and works with its own', { timeout: 120_000 }, async () => {
    const server = await EventStoreDBTestServer.start();
    try {
      const commands = simulatedCommandLines(5, 2).slice(0, 2).join('\n');
      const own = scratch.file('own.keys.db');
      const ran = await aftersales(['run', '-', '--store', server.connectionString], { input: commands, keys: own });
      expect(ran.code, ran.stderr).toBe(0);

      const missing = await aftersales(['audit', 'trail', '--store', server.connectionString], { keys: scratch.file('missing.keys.db') });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/was written with key store .* is missing or empty: pass AFTERSALES_KEYS=/);

      const foreign = scratch.file('foreign.keys.db');
      const other = await aftersales(['run', '-', '--store', `sqlite:${scratch.file('other.db')}`], { input: commands, keys: foreign });
      expect(other.code, other.stderr).toBe(0);
      const swapped = await aftersales(['run', '-', '--store', server.connectionString], { input: commands, keys: foreign });
      expect(swapped.code).toBe(2);
      expect(swapped.stderr).toMatch(/is key store .*, not key store .* that the log on EventStoreDB was written with: pass AFTERSALES_KEYS=/);

      const trail = await aftersales(['audit', 'trail', '--store', server.connectionString], { keys: own });
      expect(trail.code, trail.stderr).toBe(0);
      expect(trail.stdout).not.toContain('[key unavailable]');
    } finally {
      await server.close();
    }
  });
});

describe('EventStoreDB: import staged behind a mark', () => {
  const file = scratch.file('log.jsonl');
  let fileEvents: Array<Record<string, unknown>>;
  let appendsOfAnImport = 0;

  beforeAll(async () => {
    const source = `sqlite:${scratch.file('source.db')}`;
    const ran = await aftersales(['run', '-', '--store', source], { input: simulatedCommandLines(11, 2).slice(0, 6).join('\n') });
    expect(ran.code, ran.stderr).toBe(0);
    const exported = await aftersales(['export', '--store', source]);
    expect(exported.code, exported.stderr).toBe(0);
    writeFileSync(file, exported.stdout);
    fileEvents = eventsOf(exported.stdout);

    const server = await EventStoreDBTestServer.start();
    try {
      const imported = await aftersales(['import', file, '--store', server.connectionString]);
      expect(imported.code, imported.stderr).toBe(0);
      appendsOfAnImport = server.calls.get('batchAppend') ?? 0;
      expect(eventsOf((await aftersales(['export', '--store', server.connectionString])).stdout)).toEqual(fileEvents);
    } finally {
      await server.close();
    }
  }, 180_000);

  it('shows no store part way: stopped at any append, it is hidden until a rerun finishes it, then it is the file', { timeout: 600_000 }, async () => {
    expect(appendsOfAnImport).toBeGreaterThan(fileEvents.length / 4);
    let hidden = 0;
    for (let stopAt = 1; stopAt <= appendsOfAnImport; stopAt += 1) {
      const server = await EventStoreDBTestServer.start();
      try {
        // The server goes down as the stopAt-th append arrives: that append is stored, its answer
        // and everything after lost, as when the importing process or its node dies there.
        let seen = 0;
        const countDown = () => {
          seen += 1;
          if (seen === stopAt) void server.stop();
          else server.beforeNextAppend(countDown);
        };
        server.beforeNextAppend(countDown);
        const stopped = await aftersales(['import', file, '--store', server.connectionString]);
        expect(stopped.code, `stopped at append ${stopAt}`).not.toBe(0);
        await server.start();

        // Every other command sees the store empty (stopped before the import's mark), whole, or not at all.
        const shown = await aftersales(['export', '--store', server.connectionString]);
        if (shown.code === 0) {
          const events = eventsOf(shown.stdout);
          if (events.length > 0) {
            expect(events, `stopped at append ${stopAt}`).toEqual(fileEvents);
            continue;
          }
        } else {
          expect(shown.code).toBe(2);
          expect(shown.stderr).toContain(`holds an unfinished import of ${file}`);
          const writer = await aftersales(['run', '-', '--store', server.connectionString], { input: simulatedCommandLines(12, 1).slice(0, 1).join('') });
          expect(writer.code).toBe(2);
          expect(writer.stderr).toContain('unfinished import');
          hidden += 1;
        }

        const rerun = await aftersales(['import', file, '--store', server.connectionString]);
        expect(rerun.code, rerun.stderr).toBe(0);
        expect(eventsOf((await aftersales(['export', '--store', server.connectionString])).stdout), `stopped at append ${stopAt}`).toEqual(fileEvents);
      } finally {
        await server.close();
      }
    }
    expect(hidden).toBeGreaterThan(appendsOfAnImport / 2);
  });

  it('refuses to finish an unfinished import with another file', { timeout: 120_000 }, async () => {
    const server = await EventStoreDBTestServer.start();
    try {
      server.beforeNextAppend(() => server.beforeNextAppend(() => void server.stop()));
      expect((await aftersales(['import', file, '--store', server.connectionString])).code).not.toBe(0);
      await server.start();
      const changed = scratch.file('changed.jsonl');
      writeFileSync(changed, readFileSync(file, 'utf8').split('\n').slice(0, 3).join('\n'));
      const other = await aftersales(['import', changed, '--store', server.connectionString]);
      expect(other.code).toBe(2);
      expect(other.stderr).toContain(`holds an unfinished import of another file, ${file}`);
      expect((await aftersales(['import', file, '--store', server.connectionString])).code).toBe(0);
    } finally {
      await server.close();
    }
  });
});
