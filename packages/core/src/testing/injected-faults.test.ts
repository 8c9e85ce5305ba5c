import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createCommandHandler } from '../command-handling/index.js';
import type { CommandAccepted } from '../command-handling/index.js';
import type { DomainError } from '../errors.js';
import type { EventStore } from '../event-store.js';
import { collect } from '../event-store.js';
import { verifyStreamChain } from '../hash-chain.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import type { RecordedEvent } from '../messages.js';
import type { Projection } from '../projection.js';
import { InMemoryProjectionStore, createProjectionRunner } from '../projection.js';
import { counter, counterCommand } from './counter.js';
import type { FaultKind } from './faulty-store.js';
import { FAULT_KINDS, FaultyEventStore } from './faulty-store.js';

/** Faults injected by the properties below, summed over every run, for docs/reliability.md. */
const tally = { faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>, commands: 0, acknowledged: 0 };
const count = (store: FaultyEventStore) => {
  for (const [kind, n] of Object.entries(store.injected)) tally.faults[kind as FaultKind] += n;
};
afterAll(() => {
  const total = Object.values(tally.faults).reduce((sum, n) => sum + n, 0);
  console.info(`faulty store: ${total} faults injected ${JSON.stringify(tally.faults)}; ${tally.commands} commands sent, ${tally.acknowledged} acknowledged`);
});

const all = async (store: EventStore): Promise<RecordedEvent[]> => {
  const read = await collect(store.readAll());
  if (E.isLeft(read)) throw new Error(read.left.message);
  return read.right;
};

type Outcome = { readonly kind: 'accepted'; readonly accepted: CommandAccepted } | { readonly kind: 'refused'; readonly error: DomainError };

/**
 * A client as a caller of command handling should be: it resends a command (same command id) while
 * the answer is a retryable `StoreUnavailable`, and takes every other answer as final.
 */
const sendUntilAnswered = async (handle: (command: unknown) => Promise<E.Either<DomainError, CommandAccepted>>, command: unknown): Promise<Outcome> => {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const result = await handle(command);
    if (E.isRight(result)) return { kind: 'accepted', accepted: result.right };
    if (result.left.code !== 'StoreUnavailable') return { kind: 'refused', error: result.left };
  }
  throw new Error('the store never answered');
};

const commandArbitrary = fc.record({
  counter: fc.constantFrom('a', 'b', 'c'),
  type: fc.constantFrom('Increment', 'Increment', 'Increment', 'Close'),
  by: fc.integer({ min: 1, max: 40 }),
  // Some commands are sent twice on purpose: a duplicate is answered from the store.
  reuse: fc.option(fc.nat(20), { freq: 5 }),
});

/** A probability in whole percent: fast-check's doubles crowd near 0, which would inject almost nothing. */
const percent = (max: number) => fc.integer({ min: 0, max }).map((n) => n / 100);

const ratesArbitrary = fc.record({
  failBeforeAppend: percent(20),
  failAfterAppend: percent(20),
  timeoutAppend: percent(20),
  delayAppend: percent(15),
  failRead: percent(20),
  delayRead: percent(10),
});

type CommandSpec = typeof commandArbitrary extends fc.Arbitrary<infer T> ? T : never;

const buildCommands = (specs: readonly CommandSpec[]) => {
  const commands: { id: string; counter: string; raw: unknown }[] = [];
  specs.forEach((spec, index) => {
    const earlier = spec.reuse === null ? undefined : commands[spec.reuse % Math.max(commands.length, 1)];
    if (earlier !== undefined) {
      commands.push(earlier);
      return;
    }
    const id = `cmd-${index}`;
    const data = spec.type === 'Increment' ? { counterId: spec.counter, by: spec.by } : { counterId: spec.counter };
    commands.push({ id, counter: spec.counter, raw: counterCommand(spec.type, data, id) });
  });
  return commands;
};

/** Sends the commands, one client per counter (so each stream sees them in order), the clients side by side. */
const sendAll = async (handle: (command: unknown) => Promise<E.Either<DomainError, CommandAccepted>>, commands: ReturnType<typeof buildCommands>) => {
  const outcomes = new Map<number, Outcome>();
  await Promise.all(
    ['a', 'b', 'c'].map(async (counterId) => {
      for (const [index, command] of commands.entries()) {
        if (command.counter === counterId) outcomes.set(index, await sendUntilAnswered(handle, command.raw));
      }
    }),
  );
  return commands.map((_, index) => outcomes.get(index)!);
};

/** What a stream holds, without what a store or a moment adds: the comparable content of a log. */
const content = (events: readonly RecordedEvent[]) =>
  events.map(({ streamId, revision, eventId, type, data, metadata: { commandId } }) => ({ streamId, revision, eventId, type, data, commandId }));

describe('command handling under injected faults', () => {
  it('acknowledges each command exactly once in the store, answers as a clean run does, and keeps every chain intact', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary, { minLength: 1, maxLength: 60, size: 'max' }),
        ratesArbitrary,
        fc.integer(),
        fc.integer({ min: 0, max: 2 }),
        async (specs, rates, seed, maxUnavailableRetries) => {
          const commands = buildCommands(specs);
          const clean = new InMemoryEventStore();
          const cleanOutcomes = await sendAll((raw) => createCommandHandler({ store: clean }).handle(counter, raw), commands);

          const inner = new InMemoryEventStore();
          const faulty = new FaultyEventStore(inner, { seed, rates, maxDelayMs: 3 });
          const handler = createCommandHandler({ store: faulty, maxUnavailableRetries });
          const outcomes = await sendAll((raw) => handler.handle(counter, raw), commands);
          await faulty.settled();
          count(faulty);
          tally.commands += commands.length;

          // The same answers as without faults: the same refusals (never retried into success), the same events.
          expect(outcomes.map((outcome) => (outcome.kind === 'refused' ? outcome.error.code : 'accepted'))).toEqual(
            cleanOutcomes.map((outcome) => (outcome.kind === 'refused' ? outcome.error.code : 'accepted')),
          );
          const stored = await all(inner);
          expect(content(stored).sort(byStreamAndRevision)).toEqual(content(await all(clean)).sort(byStreamAndRevision));

          // Every acknowledged command's events are in the store exactly once.
          const ids = stored.map((event) => event.eventId);
          expect(new Set(ids).size).toBe(ids.length);
          for (const outcome of outcomes) {
            if (outcome.kind !== 'accepted') continue;
            tally.acknowledged += 1;
            for (const event of outcome.accepted.events) expect(ids.filter((id) => id === event.eventId)).toHaveLength(1);
          }
          for (const streamId of new Set(stored.map((event) => event.streamId))) {
            expect(verifyStreamChain(stored.filter((event) => event.streamId === streamId))).toEqual([]);
          }
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('retries an append lost after its commit and answers with the stored events, not a second copy', async () => {
    const inner = new InMemoryEventStore();
    // The first append's answer is lost; the handler's own retry is then recognized by the event ids.
    let appends = 0;
    const faulty = new FaultyEventStore(inner, { seed: 5, plan: (operation) => (operation.kind === 'append' && (appends += 1) === 1 ? 'failAfterAppend' : undefined) });
    const handler = createCommandHandler({ store: faulty, maxUnavailableRetries: 1 });
    const result = await handler.handle(counter, counterCommand('Increment', { counterId: 'a', by: 2 }, 'c-1'));
    expect(E.isRight(result) && result.right.events.map((event) => event.type)).toEqual(['Incremented']);
    expect(faulty.injected.failAfterAppend).toBe(1);
    expect(await all(inner)).toHaveLength(1);
  });

  it('answers StoreUnavailable when retries run out, and the resent command is then a duplicate, not a second copy', async () => {
    const inner = new InMemoryEventStore();
    const faulty = new FaultyEventStore(inner, { seed: 5, rates: { failAfterAppend: 1 } });
    const handler = createCommandHandler({ store: faulty, maxUnavailableRetries: 0 });
    const command = counterCommand('Increment', { counterId: 'a', by: 2 }, 'c-1');
    const first = await handler.handle(counter, command);
    expect(E.isLeft(first) && first.left).toMatchObject({ code: 'StoreUnavailable', retryable: true });
    faulty.setFaults(false);
    const again = await handler.handle(counter, command);
    expect(E.isRight(again) && again.right.duplicate).toBe(true);
    expect(await all(inner)).toHaveLength(1);
  });

  it('answers a refusal of the domain only once it is recorded, and then gives the same refusal again', async () => {
    const inner = new InMemoryEventStore();
    await createCommandHandler({ store: inner }).handle(counter, counterCommand('Close', { counterId: 'a' }, 'c-0'));
    const faulty = new FaultyEventStore(inner, { seed: 5, rates: { failBeforeAppend: 1 } });
    const handler = createCommandHandler({ store: faulty, maxUnavailableRetries: 2 });
    const command = counterCommand('Increment', { counterId: 'a', by: 1 }, 'c-1');
    // The refusal cannot be kept while the store fails, so the caller is told to try again.
    const unrecorded = await handler.handle(counter, command);
    expect(E.isLeft(unrecorded) && unrecorded.left.code).toBe('StoreUnavailable');
    faulty.setFaults(false);
    const refused = await handler.handle(counter, command);
    expect(E.isLeft(refused) && refused.left.code).toBe('InvalidTransition');
    expect(await handler.handle(counter, command)).toEqual(refused);
    expect((await all(inner)).map((event) => [event.streamId, event.metadata.commandId])).toEqual([
      ['Counter-a', 'c-0'],
      ['Refusals-Counter-a', 'c-1'],
    ]);
  });
});

const byStreamAndRevision = (a: { streamId: string; revision: number }, b: { streamId: string; revision: number }) =>
  a.streamId === b.streamId ? a.revision - b.revision : a.streamId < b.streamId ? -1 : 1;

const Totals = z.record(z.string(), z.number());
type Totals = z.infer<typeof Totals>;

/** Per counter, the sum of its increments: a read model that would show an event applied twice or missed. */
const totals: Projection<Totals> = {
  name: 'totals',
  initialState: {},
  evolve: (state, event) => {
    const data = z.object({ counterId: z.string(), by: z.number() }).safeParse(event.data);
    return data.success ? { ...state, [data.data.counterId]: (state[data.data.counterId] ?? 0) + data.data.by } : state;
  },
  serialize: (state) => state,
  deserialize: (stored) => {
    const parsed = Totals.safeParse(stored);
    return parsed.success ? E.right(parsed.data) : E.left(parsed.error.message);
  },
};

describe('projections under injected faults', () => {
  it('end equal to a clean rebuild after broken reads, dropped subscriptions and restarts, live writers included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ counter: fc.constantFrom('a', 'b', 'c', 'd'), by: fc.integer({ min: 1, max: 9 }) }), { minLength: 1, maxLength: 50, size: 'max' }),
        fc.integer(),
        fc.integer({ min: 1, max: 7 }),
        async (increments, seed, saveEvery) => {
          const inner = new InMemoryEventStore();
          const faulty = new FaultyEventStore(inner, {
            seed,
            rates: { failRead: 0.3, delayRead: 0.1, dropSubscription: 0.6, failBeforeAppend: 0.1, failAfterAppend: 0.1 },
            maxDelayMs: 2,
          });
          const projectionStore = new InMemoryProjectionStore();
          const handler = createCommandHandler({ store: faulty });
          let runs = 0;
          let writing = true;
          let current: ReturnType<typeof createProjectionRunner<Totals>> | undefined;
          // The runner is restarted whenever a fault stops it, each time resuming from its checkpoint.
          const following = (async () => {
            while (writing) {
              runs += 1;
              current = createProjectionRunner({ store: faulty, projection: totals, projectionStore, saveEvery, flushAfterMs: 1 });
              await current.run();
            }
          })();
          for (const [index, { counter: counterId, by }] of increments.entries()) {
            await sendUntilAnswered((raw) => handler.handle(counter, raw), counterCommand('Increment', { counterId, by }, `i-${index}`));
          }
          await faulty.settled();
          writing = false;
          await current?.stop();
          await following;

          // A last catch-up, as the next start would do, may itself meet faults: it is repeated until it succeeds.
          let final: Totals | undefined;
          for (let attempt = 0; final === undefined && attempt < 100; attempt += 1) {
            const caughtUp = await createProjectionRunner({ store: faulty, projection: totals, projectionStore, saveEvery }).catchUp();
            if (E.isRight(caughtUp)) final = caughtUp.right;
          }
          const rebuilt = await createProjectionRunner({ store: inner, projection: totals }).rebuild();
          count(faulty);
          expect(E.isRight(rebuilt)).toBe(true);
          expect(final).toEqual(E.isRight(rebuilt) ? rebuilt.right : undefined);
          const expected: Totals = {};
          for (const { counter: counterId, by } of increments) expected[counterId] = (expected[counterId] ?? 0) + by;
          // Counters stop at their limit, so the rebuild is checked against the store, not the inputs alone.
          for (const [counterId, total] of Object.entries(final ?? {})) expect(total).toBeLessThanOrEqual(expected[counterId] ?? 0);
          expect(runs).toBeGreaterThan(0);
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
