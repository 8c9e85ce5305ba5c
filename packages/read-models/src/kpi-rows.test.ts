import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { collect } from '@aftersales/core';
import { openSqliteDatabase } from '@aftersales/sqlite';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { QueriedItemRow, ReadModelBackend } from './backend.js';
import { defaultKpiConfig } from './config.js';
import type { SubjectFacts } from './facts/schema.js';
import { emptyKpiFacts, foldKpiFacts } from './kpi-facts.js';
import { kpiIds } from './kpi-definitions.js';
import { prepareKpiQuery } from './kpi-query.js';
import { queryItems, verdictAsOf } from './kpi-rows.js';
import { computeKpis, summariseJudged } from './kpis.js';
import { InMemoryReadModelBackend } from './memory-backend.js';
import { createReadModels } from './read-models.js';
import { SqliteReadModelBackend } from './sql/sqlite-backend.js';
import { simulatedStore } from './testing/simulated-store.js';

const right = <A>(result: E.Either<{ readonly message: string } | string, A>): A => {
  if (E.isLeft(result)) expect.fail(typeof result.left === 'string' ? result.left : result.left.message);
  return (result as E.Right<A>).right;
};

const folder = mkdtempSync(join(tmpdir(), 'aftersales-kpi-rows-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;

const openSqlite = () => {
  files += 1;
  const opened = openSqliteDatabase(join(folder, `read-models-${files}.db`));
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  return opened.right;
};

const backends: ReadonlyArray<readonly [string, () => { backend: ReadModelBackend; close: () => void }]> = [
  ['in memory', () => ({ backend: new InMemoryReadModelBackend(), close: () => undefined })],
  [
    'SQLite',
    () => {
      const db = openSqlite();
      return { backend: new SqliteReadModelBackend(db), close: () => void db.close() };
    },
  ],
];

const subjectsOf = async (store: EventStore): Promise<SubjectFacts[]> => {
  const facts = emptyKpiFacts();
  for (const event of right(await collect(store.readAll()))) foldKpiFacts(facts, event);
  return [...facts.subjects.values()];
};

const periods = ['2025-12', ...Array.from({ length: 12 }, (_, index) => `2026-${String(index + 1).padStart(2, '0')}`), '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2026'];

/**
 * An instant to ask as of: anywhere from before the first fact to after the last (inside months,
 * past deadlines), or a millisecond either side of, or at, a deadline some item row holds.
 */
const instant = fc.oneof(
  fc.record({ kind: fc.constant('any' as const), epochMs: fc.integer({ min: Date.parse('2025-10-01T00:00:00Z'), max: Date.parse('2027-02-01T00:00:00Z') }) }),
  fc.record({ kind: fc.constant('before facts' as const), epochMs: fc.integer({ min: Date.parse('2020-01-01T00:00:00Z'), max: Date.parse('2025-11-01T00:00:00Z') }) }),
  fc.record({ kind: fc.constant('deadline' as const), index: fc.nat(), offset: fc.constantFrom(-1, 0, 1) }),
);

const pick = (chosen: { kind: 'any' | 'before facts'; epochMs: number } | { kind: 'deadline'; index: number; offset: number }, deadlines: readonly number[]): number =>
  chosen.kind === 'deadline' ? deadlines[chosen.index % deadlines.length]! + chosen.offset : chosen.epochMs;

describe('KPI queries answered from the item rows', () => {
  it('keeps a pending row pending until its deadline, a miss from the deadline on, and takes other verdicts as they are', () => {
    const deadline = '2026-03-02T09:00:00.000Z';
    expect(verdictAsOf({ status: 'pending', deadline }, Date.parse(deadline) - 1)).toBe('pending');
    expect(verdictAsOf({ status: 'pending', deadline }, Date.parse(deadline))).toBe('miss');
    expect(verdictAsOf({ status: 'pending' }, Date.parse(deadline))).toBeUndefined();
    for (const status of ['hit', 'miss', 'excluded'] as const) expect(verdictAsOf({ status, deadline }, Date.parse(deadline))).toBe(status);
  });

  for (const [name, open] of backends) {
    it(`gives every KPI exactly what judging every subject gives, as of any instant, on generated logs (${name})`, async () => {
      let fromRows = 0;
      let passedDeadlines = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 10_000 }),
          fc.integer({ min: 1, max: 5 }),
          fc.double({ min: 0.2, max: 1, noNaN: true }),
          fc.array(fc.tuple(fc.constantFrom(...periods), instant), { minLength: 1, maxLength: 6 }),
          async (seed, orders, share, asked) => {
            const store = await simulatedStore(orders, seed, share);
            const subjects = await subjectsOf(store);
            const { backend, close } = open();
            try {
              right(await createReadModels({ store, backend, batchSize: 97 }).catchUp());
              const rows = right(await backend.itemRows(kpiIds, { from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER }));
              const deadlines = rows.flatMap((row: QueriedItemRow) => (row.deadline === undefined ? [] : [Date.parse(row.deadline)]));
              for (const [period, chosen] of asked) {
                const asOf = new Date(pick(chosen, deadlines.length === 0 ? [0] : deadlines));
                const prepared = right(prepareKpiQuery({ period, asOf }));
                const items = right(await queryItems(backend, prepared, true));
                expect(summariseJudged([...items.values()].flat(), prepared)).toEqual(right(computeKpis(subjects, { period, asOf })));
                const settled = rows.filter((row) => row.settledMs <= asOf.getTime());
                fromRows += settled.length;
                passedDeadlines += settled.filter((row) => row.status === 'pending' && Date.parse(row.deadline!) <= asOf.getTime()).length;
              }
            } finally {
              close();
            }
          },
        ),
        { numRuns: 12 },
      );
      // The instants asked covered the rule the rows depend on: settled subjects, and pending rows whose deadline had passed.
      expect(fromRows).toBeGreaterThan(0);
      expect(passedDeadlines).toBeGreaterThan(0);
    }, 240_000);
  }

  it('judges from facts a query whose settings are not those the rows were judged with', async () => {
    const store = await simulatedStore(4, 3);
    const subjects = await subjectsOf(store);
    const models = createReadModels({ store });
    right(await models.catchUp());
    const config = [{ ...defaultKpiConfig[0]!, receiptSlaHours: 2, acknowledgementWindowDays: 1 }];
    for (const period of ['2026-03', '2026']) {
      const asOf = '2026-12-31T00:00:00Z';
      const answer = right(await models.kpis({ period, asOf, config }));
      expect(answer.results).toEqual(right(computeKpis(subjects, { period, asOf, config })));
      expect(answer.results).not.toEqual(right(computeKpis(subjects, { period, asOf })));
    }
  });

  it('judges from facts when another instance over the same backend rebuilt the rows with other settings', async () => {
    const store = await simulatedStore(4, 3);
    const subjects = await subjectsOf(store);
    const backend = new InMemoryReadModelBackend();
    const mine = createReadModels({ store, backend });
    right(await mine.catchUp());
    const config = [{ ...defaultKpiConfig[0]!, receiptSlaHours: 2, acknowledgementWindowDays: 1 }];
    right(await createReadModels({ store, backend, config }).catchUp());
    for (const period of ['2026-03', '2026']) {
      const asOf = '2026-12-31T00:00:00Z';
      expect(right(await mine.kpis({ period, asOf })).results).toEqual(right(computeKpis(subjects, { period, asOf })));
    }
  });

  it('refuses to answer from an item row that does not decode, naming it', async () => {
    const store = await simulatedStore(2, 9);
    const db = openSqlite();
    try {
      const models = createReadModels({ store, backend: new SqliteReadModelBackend(db) });
      right(await models.catchUp());
      const row = db.prepare("SELECT kpi, item_id, anchor FROM rm_kpi_items WHERE kpi = 'timelyReceipt' ORDER BY item_id LIMIT 1").get() as { kpi: string; item_id: string; anchor: string };
      const period = row.anchor.slice(0, 7);
      for (const [column, value] of [['breakdown', '{"endpoint":'], ['breakdown', '{"colour":"red"}'], ['status', 'late'], ['settled_ms', 'soon']] as const) {
        const before = db.prepare(`SELECT ${column} AS value FROM rm_kpi_items WHERE kpi = ? AND item_id = ?`).get(row.kpi, row.item_id) as { value: unknown };
        db.prepare(`UPDATE rm_kpi_items SET ${column} = ? WHERE kpi = ? AND item_id = ?`).run(value, row.kpi, row.item_id);
        const refused = await models.kpis({ period, asOf: '2027-01-01T00:00:00Z', kpis: ['timelyReceipt'] });
        expect(refused).toMatchObject(E.left({ code: 'CorruptedReadModel', readModel: 'kpi-facts', message: expect.stringContaining(`item timelyReceipt/${row.item_id}`) }));
        db.prepare(`UPDATE rm_kpi_items SET ${column} = ? WHERE kpi = ? AND item_id = ?`).run(before.value, row.kpi, row.item_id);
      }
    } finally {
      db.close();
    }
  });

  it('migrates SQLite tables of schema version 1 and rebuilds their KPI rows before answering from them', async () => {
    const store = await simulatedStore(3, 5);
    const db = openSqlite();
    try {
      right(await createReadModels({ store, backend: new SqliteReadModelBackend(db) }).catchUp());
      // The tables as version 1 of the library left them: no breakdown, no settled_ms, and its versions in the checkpoints.
      db.exec('DROP INDEX rm_kpi_items_by_anchor_2');
      db.exec('CREATE INDEX rm_kpi_items_by_anchor ON rm_kpi_items (kpi, anchor_ms)');
      db.exec('ALTER TABLE rm_kpi_items DROP COLUMN breakdown');
      db.exec('ALTER TABLE rm_kpi_items DROP COLUMN settled_ms');
      db.exec("UPDATE rm_meta SET value = '1' WHERE key = 'schema_version'");
      db.exec("UPDATE rm_checkpoints SET version = replace(version, 'kpi-facts/2.', 'kpi-facts/1.')");
      const auditBefore = db.prepare("SELECT version, position FROM rm_checkpoints WHERE read_model = 'audit-trail'").get();
      const models = createReadModels({ store, backend: new SqliteReadModelBackend(db) });
      right(await models.catchUp());
      expect(db.prepare("SELECT value FROM rm_meta WHERE key = 'schema_version'").get()).toEqual({ value: '2' });
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'rm_kpi_items' AND name NOT LIKE 'sqlite_%' ORDER BY name").all()).toEqual([
        { name: 'rm_kpi_items_by_anchor_2' },
        { name: 'rm_kpi_items_by_subject' },
      ]);
      expect(db.prepare("SELECT version, position FROM rm_checkpoints WHERE read_model = 'audit-trail'").get()).toEqual(auditBefore);
      const unsettled = db.prepare(`SELECT COUNT(*) AS count FROM rm_kpi_items WHERE settled_ms = ${Number.MAX_SAFE_INTEGER} OR breakdown = '{}'`).get() as { count: number };
      expect(unsettled.count).toBeLessThan((db.prepare('SELECT COUNT(*) AS count FROM rm_kpi_items').get() as { count: number }).count);
      const subjects = await subjectsOf(store);
      for (const period of ['2026-03', '2026']) {
        const asOf = '2027-01-01T00:00:00Z';
        expect(right(await models.kpis({ period, asOf })).results).toEqual(right(computeKpis(subjects, { period, asOf })));
      }
    } finally {
      db.close();
    }
  });
});
