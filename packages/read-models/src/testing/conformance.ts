import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, RecordedEvent } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditQuery } from '../audit-trail.js';
import { auditEntryOf, matchesAuditQuery } from '../audit-trail.js';
import type { ReadModelBackend } from '../backend.js';
import { decodeDepartmentEvent } from '../decode.js';
import type { KpiFacts } from '../kpi-facts.js';
import { emptyKpiFacts, foldKpiFacts } from '../kpi-facts.js';
import type { KpiId } from '../kpi-definitions.js';
import { kpiIds } from '../kpi-definitions.js';
import { computeKpis, kpiItems } from '../kpis.js';
import { InMemoryReadModelBackend } from '../memory-backend.js';
import { createReadModels } from '../read-models.js';
import { compareReadModels } from '../verification.js';
import { simulatedStore } from './simulated-store.js';

/** A fresh, empty backend, and how to let go of it. */
export interface OpenedBackend {
  readonly backend: ReadModelBackend;
  close(): Promise<void>;
}

const right = <A>(result: E.Either<{ readonly message: string } | string, A>): A => {
  if (E.isLeft(result)) expect.fail(typeof result.left === 'string' ? result.left : result.left.message);
  return (result as E.Right<A>).right;
};

/** The in-memory reference: the KPI facts and the audit trail folded event by event, with no backend. */
const reference = async (store: EventStore): Promise<{ facts: KpiFacts; trail: AuditEntry[]; events: RecordedEvent[] }> => {
  const events = right(await collect(store.readAll()));
  const facts = emptyKpiFacts();
  const trail: AuditEntry[] = [];
  for (const event of events) {
    const decoded = decodeDepartmentEvent(event);
    foldKpiFacts(facts, event, decoded);
    trail.push(auditEntryOf(event, decoded));
  }
  return { facts, trail, events };
};

/** The same store, failing every `readAll` after `limit` events: a runner that dies between two batches. */
const dyingAfter = (store: EventStore, limit: number): EventStore => ({
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: (...args) => store.readStream(...args),
  subscribeToAll: (options) => store.subscribeToAll(options),
  close: () => store.close(),
  readAll: async function* (options = {}) {
    let read = 0;
    for await (const event of store.readAll(options)) {
      if (read === limit) throw new Error('killed');
      read += 1;
      yield event;
    }
  },
});

const periods = ['2026-01', '2026-03', '2026-06', '2026-Q2', '2026-Q4', '2026'] as const;
const instants = ['2026-03-15T12:00:00+08:00', '2026-06-30T23:59:59+08:00', '2027-01-01T00:00:00+08:00'] as const;

const expectSameRows = async (actual: ReadModelBackend, expected: ReadModelBackend) => {
  const comparison = await compareReadModels(actual, expected);
  expect(comparison.differences).toEqual([]);
  expect(comparison.rowsCompared).toBeGreaterThan(0);
};

/**
 * The read-model port's contract, run unchanged against every backend: the same answers as the
 * in-memory reference, the same rows however the log was fed, exactly-once batches with two
 * runners on one backend, and refusal to answer from a head the log does not hold.
 */
export const readModelBackendConformance = (name: string, open: () => Promise<OpenedBackend>): void => {
  describe(`read-model backend: ${name}`, () => {
    it('answers KPIs, item pages, explanations and audit pages exactly as the in-memory reference, on a simulated year', async () => {
      const store = await simulatedStore(150, 11);
      const { facts, trail } = await reference(store);
      const opened = await open();
      try {
        const models = createReadModels({ store, backend: opened.backend, batchSize: 500 });
        right(await models.catchUp());
        const subjects = [...facts.subjects.values()];
        for (const period of periods) {
          for (const asOf of instants) {
            const answer = right(await models.kpis({ period, asOf }));
            expect(answer.results).toEqual(right(computeKpis(subjects, { period, asOf })));
          }
        }
        const year = right(await models.kpis({ period: '2026', asOf: instants[2] }));
        expect(year.position).toBe(trail.length === 0 ? undefined : BigInt(trail.at(-1)!.position));
        expect(year.results.reduce((sum, result) => sum + result.denominator, 0)).toBeGreaterThan(100);
        // Every KPI has items to compare, the eighteen alike.
        for (const result of year.results) expect(result.denominator + result.pendingCount, result.kpi).toBeGreaterThan(0);

        for (const kpi of kpiIds) {
          const all = right(kpiItems(subjects, kpi, { period: '2026', asOf: instants[1] }));
          const paged = [];
          let cursor: string | undefined;
          do {
            const page = right(await models.kpiItems(kpi, { period: '2026', asOf: instants[1], limit: 7, ...(cursor === undefined ? {} : { cursor }) }));
            paged.push(...page.items);
            cursor = page.next;
          } while (cursor !== undefined);
          expect(paged).toEqual(all);
          for (const item of all.slice(0, 3)) {
            expect(right(await models.explain(kpi as KpiId, item.itemId, { asOf: instants[1] }))).toEqual(item);
          }
        }
        expect(right(await models.explain('timelyReceipt', 'no-such-order', { asOf: instants[1] }))).toBeUndefined();

        const queries: AuditQuery[] = [
          {},
          { aggregateType: 'Budget' },
          { streamId: trail.find((entry) => entry.aggregateType === 'RepairOrder')!.streamId },
          { actorId: 'DM-01' },
          { role: 'GeneralManager' },
          { from: '2026-03-01T00:00:00+08:00', to: '2026-04-01T00:00:00+08:00' },
          { aggregateType: 'SecurityLog' },
        ];
        for (const query of queries) {
          const expected = trail.filter((entry) => matchesAuditQuery(entry, query));
          const pages: AuditEntry[] = [];
          for await (const entry of models.auditEntries({ ...query, pageSize: 97 })) pages.push(entry);
          expect(pages).toEqual(expected);
        }
        const refused = trail.filter((entry) => entry.subject !== undefined);
        expect(refused.length).toBeGreaterThan(0);
        const first = right(await models.audit({ limit: 5 }));
        expect(first.entries).toEqual(trail.slice(0, 5));
        expect(first.next).toBe(trail[4]!.position);
      } finally {
        await opened.close();
      }
    }, 180_000);

    it('holds the same rows built live, in batches of any size, or resumed after a crash between any two batches', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 64 }), fc.array(fc.nat({ max: 300 }), { maxLength: 3 }), async (seed, orders, batchSize, kills) => {
          const store = await simulatedStore(orders, seed, 0.5);
          const rebuilt = new InMemoryReadModelBackend();
          right(await createReadModels({ store, backend: rebuilt }).catchUp());

          const opened = await open();
          try {
            for (const kill of kills) {
              const dying = createReadModels({ store: dyingAfter(store, kill), backend: opened.backend, batchSize });
              await dying.catchUp();
            }
            const live = createReadModels({ store, backend: opened.backend, batchSize });
            right(await live.start());
            const more = createDepartment({ store });
            for (const command of simulateYear({ seed: seed + 1, orders: 1 })) await more.handle(JSON.parse(JSON.stringify(command)));
            const events = right(await collect(store.readAll()));
            right(await live.waitFor(events.at(-1)!.globalPosition, { timeoutMs: 20_000 }));
            right(await live.stop());
            right(await createReadModels({ store, backend: rebuilt }).catchUp());
            await expectSameRows(opened.backend, rebuilt);
          } finally {
            await opened.close();
          }
        }),
        { numRuns: 6 },
      );
    }, 300_000);

    it('answers queries asked again and again as judged afresh, while it follows the log and after another runner moved it', async () => {
      const seed = 7;
      const commands = [...simulateYear({ seed, orders: 30 })];
      const store = await simulatedStore(30, seed, 0.4);
      const department = createDepartment({ store });
      const handle = async (from: number, to: number) => {
        for (const command of commands.slice(from, to)) await department.handle(JSON.parse(JSON.stringify(command)));
      };
      const expected = async (period: string, asOf: string) => right(computeKpis([...(await reference(store)).facts.subjects.values()], { period, asOf }));
      const asked = ['2026-03', '2026-Q2', '2026'].flatMap((period) => instants.map((asOf) => ({ period, asOf })));
      const opened = await open();
      try {
        const live = createReadModels({ store, backend: opened.backend, batchSize: 50, followBatchMs: 1 });
        right(await live.start());
        for (const query of [...asked, ...asked]) expect(right(await live.kpis(query)).results).toEqual(await expected(query.period, query.asOf));
        await handle(Math.ceil(commands.length * 0.4), Math.ceil(commands.length * 0.7));
        right(await live.waitFor(right(await collect(store.readAll())).at(-1)!.globalPosition, { timeoutMs: 20_000 }));
        for (const query of asked) expect(right(await live.kpis(query)).results).toEqual(await expected(query.period, query.asOf));
        right(await live.stop());
        await handle(Math.ceil(commands.length * 0.7), commands.length);
        right(await createReadModels({ store, backend: opened.backend }).catchUp());
        for (const query of asked) expect(right(await live.kpis(query)).results).toEqual(await expected(query.period, query.asOf));
      } finally {
        await opened.close();
      }
    }, 180_000);

    it('never applies a batch twice when two runners share the backend', async () => {
      const store = await simulatedStore(40, 5);
      const rebuilt = new InMemoryReadModelBackend();
      right(await createReadModels({ store, backend: rebuilt }).catchUp());
      const opened = await open();
      try {
        const runners = [createReadModels({ store, backend: opened.backend, batchSize: 37 }), createReadModels({ store, backend: opened.backend, batchSize: 53 })];
        const results = await Promise.all(runners.map((runner) => runner.catchUp()));
        for (const result of results) right(result);
        await expectSameRows(opened.backend, rebuilt);
        // The loser of a race still answers, from the rows the winner committed.
        const answers = await Promise.all(runners.map((runner) => runner.kpis({ period: '2026', asOf: instants[2] })));
        expect(right(answers[0]!).results).toEqual(right(answers[1]!).results);
      } finally {
        await opened.close();
      }
    }, 120_000);

    it('refuses to answer from a checkpoint the log does not hold, until rebuilt', async () => {
      const store = await simulatedStore(3, 2);
      const opened = await open();
      try {
        right(await createReadModels({ store, backend: opened.backend }).catchUp());
        // Another log with the same shape but other events: the stored head is not in it.
        const other = await simulatedStore(3, 3);
        const elsewhere = createReadModels({ store: other, backend: opened.backend });
        const refused = await elsewhere.kpis({ period: '2026', asOf: instants[2] });
        expect(refused).toMatchObject(E.left({ code: 'ReadModelMismatch', readModel: 'kpi-facts' }));
        expect(await elsewhere.catchUp()).toMatchObject(E.left({ code: 'ReadModelMismatch' }));
        right(await elsewhere.rebuild());
        const rebuilt = new InMemoryReadModelBackend();
        right(await createReadModels({ store: other, backend: rebuilt }).catchUp());
        await expectSameRows(opened.backend, rebuilt);
      } finally {
        await opened.close();
      }
    }, 60_000);
  });
};
