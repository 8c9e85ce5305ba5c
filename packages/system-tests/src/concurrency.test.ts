import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore, RecordedEvent } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import { seededRandom, logProblems } from '@aftersales/core/testing';
import { createDepartment } from '@aftersales/domain';
import { EventStoreDBEventStore } from '@aftersales/eventstoredb';
import { EventStoreDBTestServer } from '@aftersales/eventstoredb/test-server';
import { SqliteEventStore } from '@aftersales/sqlite';
import { scratchDirectory } from '@aftersales/cli/testing';
import type { Answer } from './budget-race.js';
import { BUDGET_STREAM, checkRacedBudget, missingOrDoubled, sendUntilFinal, setupCommands, writerCommands } from './budget-race.js';
import { printedResults, startAftersales, withSqlite } from './support.js';

const WRITERS = 10;
const CLAIMS_PER_WRITER = 12;

const figures: string[] = [];
afterAll(() => {
  for (const line of figures) console.info(`concurrency: ${line}`);
});

const readStream = async (store: EventStore, streamId: string): Promise<RecordedEvent[]> => {
  const read = await collect(store.readStream(streamId));
  if (E.isLeft(read)) throw new Error(`${read.left.code}: ${read.left.message}`);
  return read.right;
};

let scratch: ReturnType<typeof scratchDirectory>;
beforeEach(() => {
  scratch = scratchDirectory();
});
afterEach(() => scratch.cleanup());

interface Subject {
  /** How many writers race, and how many claims each sends. */
  readonly writers: number;
  readonly claims: number;
  /** The store each writer appends through (several may share one). */
  readonly storeFor: (writer: number) => EventStore;
  readonly cleanup: () => Promise<void>;
}

const openSqlite = (path: string): SqliteEventStore => {
  const opened = SqliteEventStore.open(path, { busyTimeoutMs: 20_000 });
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

const subjects: readonly (readonly [string, () => Promise<Subject>])[] = [
  [
    'the in-memory store',
    async () => {
      const store = new InMemoryEventStore();
      return { writers: WRITERS, claims: CLAIMS_PER_WRITER, storeFor: () => store, cleanup: () => store.close() };
    },
  ],
  [
    'one SQLite store',
    async () => {
      const store = openSqlite(scratch.file('one.db'));
      return { writers: WRITERS, claims: CLAIMS_PER_WRITER, storeFor: () => store, cleanup: () => store.close() };
    },
  ],
  [
    'SQLite, one connection per writer',
    async () => {
      const path = scratch.file('many.db');
      const stores = Array.from({ length: WRITERS }, () => openSqlite(path));
      return { writers: WRITERS, claims: CLAIMS_PER_WRITER, storeFor: (writer) => stores[writer]!, cleanup: async () => void (await Promise.all(stores.map((store) => store.close()))) };
    },
  ],
  [
    'the EventStoreDB test server',
    async () => {
      const server = await EventStoreDBTestServer.start();
      const opened = EventStoreDBEventStore.fromConnectionString(server.connectionString);
      if (E.isLeft(opened)) throw new Error(opened.left.message);
      const store = opened.right;
      // Every read and append crosses gRPC, so fewer commands race here, to keep the run short.
      return {
        writers: 6,
        claims: 8,
        storeFor: () => store,
        cleanup: async () => {
          await store.close();
          await server.close();
        },
      };
    },
  ],
];

describe.each(subjects)('%s, with many async writers on one budget stream', (name, open) => {
  it('keeps revisions gapless, never approves past a line, and loses or doubles no event', { timeout: 120_000 }, async () => {
    const subject = await open();
    try {
      const setup = createDepartment({ store: subject.storeFor(0) });
      for (const command of setupCommands()) expect((await sendUntilFinal(setup.handleUntrusted, command)).accepted).toBeDefined();

      const random = seededRandom(7);
      const writerName = (writer: number) => String((writer % subject.writers) + 1).padStart(2, '0');
      const plans = Array.from({ length: subject.writers }, (_, writer) => writerCommands(writerName(writer), subject.claims, random, writerName(writer + 1)));
      let resent = 0;
      const answers: Answer[] = (
        await Promise.all(
          plans.map(async (commands, writer) => {
            const department = createDepartment({ store: subject.storeFor(writer) });
            const answered: Answer[] = [];
            for (const command of commands) {
              const answer = await sendUntilFinal(department.handleUntrusted, command);
              resent += answer.resent;
              answered.push(answer);
            }
            return answered;
          }),
        )
      ).flat();

      const stream = await readStream(subject.storeFor(0), BUDGET_STREAM);
      const checked = checkRacedBudget(stream);
      expect(checked.problems).toEqual([]);
      expect(missingOrDoubled(stream, answers)).toEqual([]);
      expect(await logProblems(subject.storeFor(0))).toEqual([]);
      const overBudget = answers.filter((answer) => answer.code === 'OverBudget').length;
      // The writers asked for more than the lines hold, so the limit was really tested.
      expect(overBudget).toBeGreaterThan(0);
      // Refusals are the rules' own: over a line, or an expense not (yet) claimed or already decided.
      expect(answers.filter((answer) => answer.accepted === undefined && !['OverBudget', 'InvalidTransition'].includes(answer.code ?? ''))).toEqual([]);
      figures.push(
        `${name}: ${subject.writers} writers, ${answers.length} commands, ${stream.length} events, ${resent} resent after a lost race, ${overBudget} OverBudget, spend ${JSON.stringify(checked.spend)}`,
      );
    } finally {
      await subject.cleanup();
    }
  });
});

describe('two processes running `aftersales run` on one SQLite file', () => {
  it('keep the budget stream gapless and chained, never approve past a line, and store each acknowledged command once', { timeout: 180_000 }, async () => {
    const path = scratch.file('shared.db');
    const store = openSqlite(path);
    const setup = createDepartment({ store });
    for (const command of setupCommands()) expect((await sendUntilFinal(setup.handleUntrusted, command)).accepted).toBeDefined();
    await store.close();

    const random = seededRandom(11);
    // Each process claims its own expenses and approves the other's too: two deciders on every expense.
    const inputs = [
      ['A', 'B'],
      ['B', 'A'],
    ].map(([writer, rival]) => writerCommands(writer!, 50, random, rival).map((command) => JSON.stringify(command)));
    const runs = inputs.map(() => startAftersales(['run', '-', '--store', `sqlite:${path}`], { stdin: 'pipe' }));
    // Both get their first line, and the rest only once both have stored it: they then run side by side.
    runs.forEach((run, index) => run.stdin!.write(`${inputs[index]![0]}\n`));
    await withSqlite(path, async (watcher) => {
      for (;;) {
        const stream = await readStream(watcher, BUDGET_STREAM);
        if (stream.some((event) => event.metadata.commandId === 'race/EX-A-0/claim') && stream.some((event) => event.metadata.commandId === 'race/EX-B-0/claim')) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    runs.forEach((run, index) => run.stdin!.end(`${inputs[index]!.slice(1).join('\n')}\n`));
    const exits = await Promise.all(runs.map((run) => run.exited));
    exits.forEach((exit, index) => expect(exit, runs[index]!.stderr()).toEqual({ code: 0, signal: null }));

    const results = runs.flatMap((run) => printedResults(run.stdout()));
    expect(results).toHaveLength(300);
    // A command that lost every race is refused with ConcurrencyConflict, a typed answer the caller may resend.
    expect(results.filter((result) => !result.ok).every((result) => ['OverBudget', 'InvalidTransition', 'ConcurrencyConflict'].includes(result.error?.code ?? ''))).toBe(true);
    await withSqlite(path, async (reopened) => {
      const stream = await readStream(reopened, BUDGET_STREAM);
      const checked = checkRacedBudget(stream);
      expect(checked.problems).toEqual([]);
      expect(await logProblems(reopened)).toEqual([]);
      const byPlace = new Map(stream.map((event) => [event.revision, event]));
      for (const result of results.filter((printed) => printed.ok)) {
        for (const event of result.events ?? []) {
          expect(byPlace.get(event.revision)?.metadata.commandId).toBe(result.commandId);
        }
      }
      // The two processes really raced: their events alternate in the stream, not one block after the other.
      const writers = stream.slice(4).map((event) => (event.metadata.commandId.includes('-A-') !== event.metadata.commandId.endsWith('-by-B') ? 'A' : 'B'));
      const switches = writers.filter((writer, index) => index > 0 && writer !== writers[index - 1]).length;
      expect(switches).toBeGreaterThan(2);
      const perCommand = new Map<string, number>();
      for (const event of stream) perCommand.set(event.metadata.commandId, (perCommand.get(event.metadata.commandId) ?? 0) + 1);
      for (const result of results) expect(perCommand.get(result.commandId ?? '') ?? 0).toBe(result.ok ? (result.events?.length ?? 0) : 0);
      figures.push(
        `two processes: ${results.length} commands, ${stream.length} events, ${switches} switches between the writers, ${results.filter((result) => result.error?.code === 'ConcurrencyConflict').length} ConcurrencyConflict, ${results.filter((result) => result.error?.code === 'OverBudget').length} OverBudget, spend ${JSON.stringify(checked.spend)}`,
      );
    });
  });
});
