import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, Projection, RecordedEvent } from '@aftersales/core';
import { InMemoryEventStore, collect, createProjectionRunner, createSecurityLog, matchesFilter } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';
import { JsonProjectionStore } from '@aftersales/core/testing';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { auditTrailProjection } from './audit-trail.js';
import { kpiFactsProjection } from './kpi-facts.js';
import { createReadModels } from './read-models.js';

/** The same store, reading at most `limit` events per `readAll`: a runner that stops there. */
const stoppingAfter = (store: EventStore, limit: number): EventStore => ({
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: (...args) => store.readStream(...args),
  subscribeToAll: (options) => store.subscribeToAll(options),
  close: () => store.close(),
  readAll: (options = {}) => store.readAll({ ...options, maxCount: limit }),
});

/** The same store, delivering the first `prefix` events again before what was asked for. */
const redelivering = (store: EventStore, prefix: number): EventStore => ({
  ...stoppingAfter(store, Number.MAX_SAFE_INTEGER),
  readAll: async function* (options = {}) {
    const { after: _after, ...rest } = options;
    yield* store.readAll({ ...rest, maxCount: prefix });
    yield* store.readAll(options);
  },
});

const right = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) expect.fail(result.left.message);
  return (result as E.Right<A>).right;
};

const projections: ReadonlyArray<Projection<unknown>> = [kpiFactsProjection as Projection<unknown>, auditTrailProjection as Projection<unknown>];

describe('saved KPI facts', () => {
  it('survive JSON, and a saved state of another shape is refused with the path that is wrong', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store });
    for (const command of simulateYear({ seed: 7, orders: 2 })) await department.handle(JSON.parse(JSON.stringify(command)));
    const facts = right(await createProjectionRunner({ store, projection: kpiFactsProjection }).catchUp());
    expect(Object.keys(facts.orders)).toHaveLength(2);
    expect(kpiFactsProjection.deserialize(JSON.parse(JSON.stringify(kpiFactsProjection.serialize(facts))))).toEqual(E.right(facts));
    const tampered = { ...facts, orders: { 'RO-1': { orderId: 'RO-1' } } };
    expect(kpiFactsProjection.deserialize(tampered)).toMatchObject(E.left(expect.stringContaining('orders.RO-1.endpointId')));
  });
});

describe('read models over generated department histories', () => {
  it('are the same built live, rebuilt, resumed at any positions, or fed any prefix twice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 3 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.array(fc.nat({ max: 400 }), { maxLength: 4 }),
        fc.nat({ max: 400 }),
        async (seed, orders, share, stops, prefix) => {
          const store = new InMemoryEventStore({ clock: () => new Date('2027-01-01T00:00:00Z') });
          // Refusals go to the security log, as a service records them: the audit trail reads them too.
          const securityLog = createSecurityLog({ store, codes: ['Forbidden', 'InvalidCommand', 'InvalidTransition', 'OverBudget'] });
          const router = createDepartment({ store, onRefused: securityLog.onRefused });
          const live = createReadModels({ store, flushAfterMs: 1 });
          right(await live.start());

          const commands = [...simulateYear({ seed, orders })];
          for (const command of commands.slice(0, Math.ceil(commands.length * share))) {
            await router.handle(JSON.parse(JSON.stringify(command)));
          }
          const events: RecordedEvent[] = right(await collect(store.readAll()));
          const last = events.at(-1)?.globalPosition;
          const lastOfKpis = events.filter((event) => matchesFilter(kpiFactsProjection.filter, event.streamId, event.type)).at(-1)?.globalPosition;
          // Stopping ends a run where it is, so wait until both runners have applied everything first.
          await vi.waitFor(() => {
            expect(live.auditTrail.position()).toBe(last);
            expect(live.kpiFacts.position()).toBe(lastOfKpis);
          }, { timeout: 10_000 });
          right(await live.stop());

          for (const projection of projections) {
            const rebuilt = right(await createProjectionRunner({ store, projection }).catchUp());
            const liveState = projection === projections[0] ? live.kpiFacts.state() : live.auditTrail.state();
            expect(liveState).toEqual(rebuilt);

            const projectionStore = new JsonProjectionStore();
            for (const stop of stops) {
              right(await createProjectionRunner({ store: stoppingAfter(store, stop), projection, projectionStore, saveEvery: 7 }).catchUp());
            }
            expect(right(await createProjectionRunner({ store, projection, projectionStore }).catchUp())).toEqual(rebuilt);

            expect(right(await createProjectionRunner({ store: redelivering(store, prefix), projection }).catchUp())).toEqual(rebuilt);
            // A bare fold is given what a runner would deliver: the events its filter selects.
            let folded = projection.initialState;
            for (const event of [...events, ...events.slice(0, prefix)]) {
              if (matchesFilter(projection.filter, event.streamId, event.type)) folded = projection.evolve(folded, event);
            }
            expect(folded).toEqual(rebuilt);
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});
