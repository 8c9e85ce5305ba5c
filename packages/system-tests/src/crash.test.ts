import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest';
import { seededRandom, logProblems } from '@aftersales/core/testing';
import { deleteSqliteFile, scratchDirectory } from '@aftersales/cli/testing';
import type { RunResult } from './support.js';
import { comparableLog, printedResults, readAllEvents, simulatedCommandLines, startAftersales, withSqlite } from './support.js';

const KILLS = 16;
const SEED = 20_260_302;

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

const figures = { kills: 0, killedMidRun: 0, finishedBeforeKill: 0, acknowledged: 0, commands: 0 };
afterAll(() => {
  console.info(
    `crash: ${figures.kills} SIGKILLs (${figures.killedMidRun} with the log part written, ${figures.finishedBeforeKill} runs finished before their kill), ${figures.acknowledged} acknowledged results checked, ${figures.commands} commands in the file`,
  );
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The answers two runs must agree on. A rerun answers a command it had already accepted as a
 * duplicate with the same events. A refusal is not stored, so a refused command sent again is decided
 * again, against the state as it is by then: it is refused again, but possibly for another reason
 * (an over-budget approval of an expense rejected since is refused as already decided).
 */
const answers = (results: readonly RunResult[]) => results.map(({ line, commandId, ok, events }) => ({ line, commandId, ok, events }));

it(
  `survives ${KILLS} SIGKILLs of \`aftersales run\` at random points: the log verifies, every acknowledged result is stored once, and a rerun ends as one clean run`,
  { timeout: 240_000 },
  async () => {
    const lines = simulatedCommandLines(SEED, 16);
    figures.commands = lines.length;
    const file = scratch.file('commands.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);

    const cleanPath = scratch.file('clean.db');
    const clean = startAftersales(['run', file, '--store', `sqlite:${cleanPath}`]);
    const cleanExit = await clean.exited;
    expect(cleanExit, clean.stderr()).toEqual({ code: 0, signal: null });
    const cleanResults = printedResults(clean.stdout());
    expect(cleanResults).toHaveLength(lines.length);
    const cleanLog = await withSqlite(cleanPath, readAllEvents);
    const total = cleanLog.length;

    const path = scratch.file('crashed.db');
    const random = seededRandom(SEED);
    const acknowledged = new Map<string, RunResult>();
    // Each kill lands once the log has grown to a target picked at random ahead of what is stored, plus
    // a random few milliseconds: at a different point of an append every time, or between appends.
    let stored = 0;
    for (let attempt = 0; figures.kills < KILLS && attempt < 2 * KILLS; attempt += 1) {
      // The last events are left out of reach, so that a run rarely finishes before its kill lands.
      const reachable = total - 40;
      const target = Math.min(reachable, stored + 1 + Math.floor(random() * (Math.max(reachable - stored, 0) / (KILLS - figures.kills))));
      const extraMs = Math.floor(random() * 15);
      const running = startAftersales(['run', file, '--store', `sqlite:${path}`]);
      await withSqlite(path, async (watcher) => {
        let seen = 0;
        let after: bigint | undefined;
        const exited = running.exited.then(() => true);
        while (seen < target && !(await Promise.race([exited, sleep(2).then(() => false)]))) {
          for await (const event of watcher.readAll(after === undefined ? {} : { after })) {
            seen += 1;
            after = event.globalPosition;
          }
        }
      });
      await sleep(extraMs);
      running.child.kill('SIGKILL');
      const exit = await running.exited;
      if (exit.signal !== 'SIGKILL') {
        // On a machine so busy that the run got to its end before the kill: a clean run, then a fresh start.
        expect(exit, running.stderr()).toEqual({ code: 0, signal: null });
        await withSqlite(path, async (store) => expect(comparableLog(await readAllEvents(store))).toEqual(comparableLog(cleanLog)));
        figures.finishedBeforeKill += 1;
        deleteSqliteFile(path);
        stored = 0;
        acknowledged.clear();
        continue;
      }
      figures.kills += 1;

      const printed = printedResults(running.stdout());
      await withSqlite(path, async (store) => {
        expect(await logProblems(store)).toEqual([]);
        const log = await readAllEvents(store);
        if (log.length > stored && log.length < total) figures.killedMidRun += 1;
        stored = log.length;
        const ids = log.map((event) => event.eventId);
        expect(new Set(ids).size).toBe(ids.length);
        // Whatever was stored is a prefix of the clean run: nothing doubled, nothing out of order.
        expect(comparableLog(log)).toEqual(comparableLog(cleanLog.slice(0, log.length)));
        for (const result of printed) {
          expect(answers([result])).toEqual(answers([cleanResults[result.line - 1]!]));
          if (!result.ok) continue;
          if (result.commandId !== null) acknowledged.set(`${result.commandId}`, result);
        }
        // Every result acknowledged by any run so far is in the store, as it was acknowledged.
        const byPlace = new Map(log.map((event) => [`${event.streamId}@${event.revision}`, event]));
        for (const result of acknowledged.values()) {
          for (const event of result.events ?? []) {
            const storedEvent = byPlace.get(`${event.streamId}@${event.revision}`);
            expect(storedEvent?.type).toBe(event.type);
            expect(storedEvent?.metadata.commandId).toBe(result.commandId);
          }
        }
      });
    }
    figures.acknowledged = acknowledged.size;
    // A kill that came too late is no failure of the store, but most of them must land.
    expect(figures.kills).toBeGreaterThanOrEqual(KILLS / 2);

    const rerun = startAftersales(['run', file, '--store', `sqlite:${path}`]);
    expect(await rerun.exited, rerun.stderr()).toEqual({ code: 0, signal: null });
    expect(answers(printedResults(rerun.stdout()))).toEqual(answers(cleanResults));
    await withSqlite(path, async (store) => {
      expect(await logProblems(store)).toEqual([]);
      expect(comparableLog(await readAllEvents(store))).toEqual(comparableLog(cleanLog));
    });
  },
);
