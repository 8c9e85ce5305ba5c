import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { canonicalJson } from '@aftersales/core';
import type { AuditEntry, AuditPageQuery, AuditQuery } from './audit-trail.js';
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE } from './audit-trail.js';
import type { Checkpoint, ReadModelBackend, ReadModelName } from './backend.js';
import type { KpiConfig } from './config.js';
import { defaultKpiConfig } from './config.js';
import type { UndecodableEvent } from './facts/schema.js';
import type { KpiId, KpiItem, Verdict } from './kpi-definitions.js';
import type { KpiQuery } from './kpi-query.js';
import type { KpiResult } from './kpis.js';
import { compareIds } from './kpi-definitions.js';
import { prepareKpiQuery } from './kpi-query.js';
import { candidateSubjects, queryItems } from './kpi-rows.js';
import { explainKpiItem, judgeKpiItems } from './kpis.js';
import { KpiQueryCache } from './kpi-cache.js';
import { InMemoryReadModelBackend } from './memory-backend.js';
import { projectionSettings } from './projector.js';
import type { InvalidQuery, ReadModelError } from './runner.js';
import { createRunner } from './runner.js';

export type { InvalidQuery, ReadModelError, ReadModelMismatch, ReadModelTimeout } from './runner.js';
export { headInLog } from './runner.js';

const invalidQuery = (message: string): InvalidQuery => ({ code: 'InvalidQuery', message });

export interface ReadModelsOptions {
  /** The log, as the department reads it (decrypted and upcast through the event pipeline). */
  readonly store: EventStore;
  /** Where the rows live; in memory (rebuilt at every start) when absent. */
  readonly backend?: ReadModelBackend;
  /** The versioned KPI rules used when a query gives none, and that the item rows are judged with. */
  readonly config?: KpiConfig;
  /** The clock a query without `asOf` reads; the system clock by default. */
  readonly clock?: () => Date;
  /** How many events one transaction applies at most (default 2,000). */
  readonly batchSize?: number;
  /** How often `waitFor` looks at the stored checkpoints written by other instances (default 25 ms). */
  readonly pollMs?: number;
  /**
   * How long a started read side lets live events gather before it commits them as one batch
   * (default 10 ms; 0 commits whatever has arrived at once). Each batch costs a transaction and
   * its subjects' loading and judging, so under a stream of commands small batches cost the
   * callers most; read-your-writes waits up to this much longer.
   */
  readonly followBatchMs?: number;
}

/** The position a query answered from: the read model's checkpoint, or none before its first event. */
export interface AnsweredAt {
  readonly position: bigint | undefined;
}

export interface KpiAnswer extends AnsweredAt {
  readonly results: readonly KpiResult[];
  /** Department events that did not decode: in no KPI, and listed so that nobody misses them. */
  readonly undecodable: { readonly count: number; readonly sample: readonly UndecodableEvent[] };
}

export interface KpiItemsQuery extends KpiQuery {
  /** Only items with these verdicts (e.g. `['miss']` for the full list of misses). */
  readonly verdicts?: readonly Verdict[];
  /** Items whose id sorts after this cursor (the `next` of the page before). */
  readonly cursor?: string;
  /** At most this many items (default 100). */
  readonly limit?: number;
}

export interface KpiItemsPage extends AnsweredAt {
  readonly items: readonly KpiItem[];
  /** The cursor of the next page; absent on the last one. */
  readonly next?: string;
}

export interface AuditPage extends AnsweredAt {
  readonly entries: readonly AuditEntry[];
  readonly next?: string;
}

export interface ReadModels {
  /**
   * Opens the backend, proves each read model's head against the log, and applies what the log holds
   * beyond it (up to `until`, a position, when given: a replay of the log as it was then).
   */
  catchUp(options?: { readonly until?: bigint }): Promise<E.Either<ReadModelError, void>>;
  /**
   * Catches up, then follows live events in the background until `stop()`. A failure while following
   * (a store or backend that cannot be reached) stops the follower: `onStopped` is told, and `stop()`
   * returns it; `start()` again resumes from the checkpoints.
   */
  start(options?: { readonly onStopped?: (result: E.Either<ReadModelError, void>) => void }): Promise<E.Either<ReadModelError, void>>;
  /** Stops following; resolves with the failure that stopped the follower, if one did. */
  stop(): Promise<E.Either<ReadModelError, void>>;
  /** Empties the read models (or one) and builds them again from the first event of the log. */
  rebuild(readModel?: ReadModelName): Promise<E.Either<ReadModelError, void>>;
  /** The stored checkpoints, as committed (by this or any other instance). */
  checkpoints(): Promise<E.Either<ReadModelError, ReadonlyMap<ReadModelName, Checkpoint>>>;
  /**
   * Resolves once both read models have applied the log up to `position` (e.g. the last event of a
   * command just handled): read-your-writes. Fails with `ReadModelTimeout` after `timeoutMs`.
   */
  waitFor(position: bigint, options?: { readonly timeoutMs?: number }): Promise<E.Either<ReadModelError, void>>;
  kpis(query: KpiQuery): Promise<E.Either<ReadModelError, KpiAnswer>>;
  kpiItems(kpi: KpiId, query: KpiItemsQuery): Promise<E.Either<ReadModelError, KpiItemsPage>>;
  explain(kpi: KpiId, itemId: string, options?: { readonly asOf?: string | Date; readonly config?: KpiConfig }): Promise<E.Either<ReadModelError, KpiItem | undefined>>;
  audit(query?: AuditPageQuery): Promise<E.Either<ReadModelError, AuditPage>>;
  /** Every matching entry in log order, read a page at a time: never the whole trail in memory. */
  auditEntries(query?: AuditQuery & { readonly pageSize?: number }): AsyncIterable<AuditEntry>;
  readonly backend: ReadModelBackend;
}

/**
 * The read side a service embeds: the KPI facts and the audit trail as rows in a backend, fed by one
 * pass over the log in batches (each batch one transaction with its checkpoints), and the queries
 * over those rows. Any number of instances may run over one shared backend: a batch another instance
 * committed first is refused to this one, which skips what is already applied and goes on.
 */
export const createReadModels = (options: ReadModelsOptions): ReadModels => {
  const backend = options.backend ?? new InMemoryReadModelBackend();
  const config = options.config ?? defaultKpiConfig;
  const clock = options.clock ?? (() => new Date());
  const kpiCache = new KpiQueryCache();
  // This instance judges its item rows with these settings: a query with others is judged from facts.
  const configText = canonicalJson(config);
  const settings = projectionSettings(config);
  const runner = createRunner({
    store: options.store,
    backend,
    settings,
    kpiCache,
    batchSize: options.batchSize ?? 2000,
    pollMs: options.pollMs ?? 25,
    followBatchMs: options.followBatchMs ?? 10,
  });
  const { beforeQuery } = runner;
  const answeredAt = (readModel: ReadModelName): AnsweredAt => ({ position: runner.position(readModel) });

  const withDefaults = <Q extends { readonly asOf?: string | Date; readonly config?: KpiConfig }>(query: Q): Q & { asOf: string | Date; config: KpiConfig } => ({
    ...query,
    asOf: query.asOf ?? clock(),
    config: query.config ?? config,
  });

  const readModels: ReadModels = {
    backend,
    catchUp: runner.catchUp,
    start: runner.start,
    stop: runner.stop,
    rebuild: runner.rebuild,
    checkpoints: runner.storedCheckpoints,
    waitFor: runner.waitFor,
    kpis: async (query) => {
      const ready = await beforeQuery('kpi-facts');
      if (E.isLeft(ready)) return ready;
      const asked = withDefaults(query);
      const prepared = prepareKpiQuery(asked);
      if (E.isLeft(prepared)) return E.left(invalidQuery(prepared.left));
      const position = runner.position('kpi-facts');
      const key = kpiCache.keyOf(prepared.right, asked.config);
      let results = kpiCache.answer(key, position);
      if (results === undefined) {
        const sameSettings = asked.config === config || canonicalJson(asked.config) === configText;
        // On a shared backend another instance, with other settings, may have rebuilt the rows since this one opened: its checkpoint says so.
        const stored = sameSettings ? await backend.checkpoints() : undefined;
        if (stored !== undefined && E.isLeft(stored)) return stored;
        const rowsHold = stored !== undefined && stored.right.get('kpi-facts')?.version === settings.versions['kpi-facts'];
        const items = await queryItems(backend, prepared.right, rowsHold);
        if (E.isLeft(items)) return items;
        results = kpiCache.remember(key, prepared.right, items.right, position);
      }
      const undecodable = await backend.undecodable(prepared.right.sample === Number.POSITIVE_INFINITY ? Number.MAX_SAFE_INTEGER : prepared.right.sample);
      if (E.isLeft(undecodable)) return undecodable;
      return E.right({ position, results, undecodable: undecodable.right });
    },
    kpiItems: async (kpi, query) => {
      const ready = await beforeQuery('kpi-facts');
      if (E.isLeft(ready)) return ready;
      const limit = query.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1) return E.left(invalidQuery(`limit ${limit} is not a positive whole number`));
      const prepared = prepareKpiQuery(withDefaults({ ...query, kpis: [kpi] }));
      if (E.isLeft(prepared)) return E.left(invalidQuery(prepared.left));
      const subjects = await candidateSubjects(backend, prepared.right);
      if (E.isLeft(subjects)) return subjects;
      const verdicts = query.verdicts === undefined ? undefined : new Set(query.verdicts);
      const { cursor } = query;
      const matching = judgeKpiItems(subjects.right.values(), kpi, prepared.right).filter(
        (one) => (verdicts === undefined || verdicts.has(one.verdict)) && (cursor === undefined || compareIds(one.itemId, cursor) > 0),
      );
      const items = matching.slice(0, limit);
      const next = matching.length > limit ? items.at(-1)?.itemId : undefined;
      return E.right({ ...answeredAt('kpi-facts'), items, ...(next === undefined ? {} : { next }) });
    },
    explain: async (kpi, itemId, explainOptions = {}) => {
      const ready = await beforeQuery('kpi-facts');
      if (E.isLeft(ready)) return ready;
      const subject = await backend.subjectOfItem(kpi, itemId);
      if (E.isLeft(subject)) return subject;
      const explained = explainKpiItem(subject.right, kpi, itemId, withDefaults(explainOptions));
      return E.isLeft(explained) ? E.left(invalidQuery(explained.left)) : explained;
    },
    audit: async (query = {}) => {
      const ready = await beforeQuery('audit-trail');
      if (E.isLeft(ready)) return ready;
      const limit = query.limit ?? DEFAULT_AUDIT_PAGE;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) return E.left(invalidQuery(`limit ${limit} is not a whole number from 1 to ${MAX_AUDIT_PAGE}`));
      if (query.after !== undefined && !/^\d{1,40}$/.test(query.after)) return E.left(invalidQuery(`cursor ${JSON.stringify(query.after)} is not a position`));
      for (const [name, value] of [['from', query.from], ['to', query.to]] as const) {
        if (value !== undefined && Number.isNaN(value instanceof Date ? value.getTime() : Date.parse(value))) return E.left(invalidQuery(`${name} ${String(value)} is not an instant`));
      }
      const page = await backend.auditPage({ ...query, limit: limit + 1 });
      if (E.isLeft(page)) return page;
      const entries = page.right.slice(0, limit);
      const next = page.right.length > limit ? entries.at(-1)?.position : undefined;
      return E.right({ ...answeredAt('audit-trail'), entries, ...(next === undefined ? {} : { next }) });
    },
    auditEntries: (query = {}) => ({
      async *[Symbol.asyncIterator]() {
        const { pageSize, ...filters } = query;
        let after: string | undefined;
        for (;;) {
          const page = await readModels.audit({ ...filters, limit: pageSize ?? 1000, ...(after === undefined ? {} : { after }) });
          if (E.isLeft(page)) throw new Error(page.left.message);
          yield* page.right.entries;
          if (page.right.next === undefined) return;
          after = page.right.next;
        }
      },
    }),
  };
  return readModels;
};
