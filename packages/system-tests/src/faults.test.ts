import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '@aftersales/core';
import { InMemoryEventStore } from '@aftersales/core';
import type { FaultKind, FaultRates } from '@aftersales/core/testing';
import { FAULT_KINDS, FaultyEventStore, logProblems } from '@aftersales/core/testing';
import { createDepartment } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';
import type { ReadModels } from '@aftersales/read-models';
import { InMemoryReadModelBackend, compareReadModels, createReadModels } from '@aftersales/read-models';
import { SqliteEventStore } from '@aftersales/sqlite';
import { scratchDirectory } from '@aftersales/cli/testing';
import { comparableLog, readAllEvents } from './support.js';

const RATES: FaultRates = {
  failBeforeAppend: 0.1,
  failAfterAppend: 0.1,
  timeoutAppend: 0.05,
  delayAppend: 0.05,
  failRead: 0.15,
  delayRead: 0.05,
  dropSubscription: 0.5,
};
const SEEDS = [1, 2, 3];

const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
const figures = { runs: 0, commands: 0, acknowledged: 0, resent: 0, projectionRestarts: 0 };
afterAll(() => {
  const total = Object.values(injected).reduce((sum, n) => sum + n, 0);
  console.info(`faults, department: ${total} faults injected ${JSON.stringify(injected)}; ${JSON.stringify(figures)}`);
});

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

const commands = [...simulateYear({ seed: 42, orders: 10 })];

/** The answer a caller relies on: accepted, or refused with a code. */
const answerOf = (result: E.Either<{ code: string }, unknown>) => (E.isRight(result) ? 'accepted' : result.left.code);

const openSqlite = (path: string): SqliteEventStore => {
  const opened = SqliteEventStore.open(path);
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

const cleanRun = async (store: EventStore) => {
  const department = createDepartment({ store });
  const answers: string[] = [];
  for (const command of commands) answers.push(answerOf(await department.handleUntrusted(command)));
  return answers;
};

const stores: readonly (readonly [string, (name: string) => EventStore])[] = [
  ['in memory', () => new InMemoryEventStore()],
  ['SQLite', (name) => openSqlite(scratch.file(`${name}.db`))],
];

describe.each(stores)('the department on a faulty store (%s)', (_name, open) => {
  it.each(SEEDS)(
    'seed %i: answers as a clean run, stores each acknowledged command once, and its read models end with the rows of a clean rebuild',
    { timeout: 120_000 },
    async (seed) => {
      const clean = open(`clean-${seed}`);
      const cleanAnswers = await cleanRun(clean);
      const cleanLog = await readAllEvents(clean);

      const inner = open(`faulty-${seed}`);
      const faulty = new FaultyEventStore(inner, { seed, rates: RATES, maxDelayMs: 3 });
      const department = createDepartment({ store: faulty, maxUnavailableRetries: 1 });

      // The read models follow the faulty store live; a fault stops the follower, and a new one resumes from the checkpoints.
      const backend = new InMemoryReadModelBackend();
      let writing = true;
      let current: ReadModels | undefined;
      const follower = (async () => {
        while (writing) {
          const models = createReadModels({ store: faulty, backend, batchSize: 25 });
          current = models;
          const stopped = new Promise<void>((resolve) => {
            void models.start({ onStopped: () => resolve() }).then((started) => {
              if (E.isLeft(started)) resolve();
            });
          });
          await stopped;
          if (writing) figures.projectionRestarts += 1;
        }
      })();

      const answers: string[] = [];
      for (const command of commands) {
        let result = await department.handleUntrusted(command);
        for (let resent = 0; E.isLeft(result) && result.left.code === 'StoreUnavailable' && resent < 100; resent += 1) {
          figures.resent += 1;
          result = await department.handleUntrusted(command);
        }
        answers.push(answerOf(result));
        if (E.isRight(result)) figures.acknowledged += 1;
      }
      await faulty.settled();
      writing = false;
      await current?.stop();
      await follower;

      expect(answers).toEqual(cleanAnswers);
      const log = await readAllEvents(inner);
      expect(comparableLog(log)).toEqual(comparableLog(cleanLog));
      expect(await logProblems(inner)).toEqual([]);

      let resumed = false;
      for (let attempt = 0; !resumed && attempt < 100; attempt += 1) resumed = E.isRight(await createReadModels({ store: faulty, backend }).catchUp());
      expect(resumed).toBe(true);
      const rebuilt = new InMemoryReadModelBackend();
      const built = await createReadModels({ store: inner, backend: rebuilt }).catchUp();
      if (E.isLeft(built)) throw new Error(built.left.message);
      expect((await compareReadModels(backend, rebuilt)).differences).toEqual([]);

      for (const [kind, count] of Object.entries(faulty.injected)) injected[kind as FaultKind] += count;
      figures.runs += 1;
      figures.commands += commands.length;
      await faulty.close();
      await clean.close();
    },
  );
});
