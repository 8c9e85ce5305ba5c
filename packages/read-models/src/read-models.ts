import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, ProjectionError, ProjectionRunner, ProjectionStore } from '@aftersales/core';
import { createProjectionRunner } from '@aftersales/core';
import type { AuditEntry, AuditQuery, AuditTrailState } from './audit-trail.js';
import { auditTrailProjection, queryAuditTrail } from './audit-trail.js';
import type { KpiConfig } from './config.js';
import { defaultKpiConfig } from './config.js';
import type { KpiFactsState } from './kpi-facts.js';
import { kpiFactsProjection } from './kpi-facts.js';
import type { KpiId, KpiItem, KpiQuery, KpiResult } from './kpis.js';
import { computeKpis, explainKpiItem, kpiItems } from './kpis.js';

export interface ReadModelsOptions {
  readonly store: EventStore;
  /** Where both read models keep state and checkpoint; in memory (rebuilt at every start) when absent. */
  readonly projectionStore?: ProjectionStore;
  /** The versioned KPI rules used when a query gives none. */
  readonly config?: KpiConfig;
  /** The clock a query without `asOf` reads; the system clock by default. */
  readonly clock?: () => Date;
  readonly saveEvery?: number;
  readonly flushAfterMs?: number;
}

export interface ReadModels {
  readonly kpiFacts: ProjectionRunner<KpiFactsState>;
  readonly auditTrail: ProjectionRunner<AuditTrailState>;
  /** Brings both read models up to the end of the log, then returns. */
  catchUp(): Promise<E.Either<ProjectionError, void>>;
  /** Catches up, then follows live events until `stop()`; resolves once both are caught up. */
  start(): Promise<E.Either<ProjectionError, void>>;
  /** Stops following; resolves with the first failure of either runner, if one stopped on its own. */
  stop(): Promise<E.Either<ProjectionError, void>>;
  kpis(query: Omit<KpiQuery, 'config'> & { readonly config?: KpiConfig }): E.Either<string, KpiResult[]>;
  kpiItems(kpi: KpiId, query: KpiQuery): E.Either<string, KpiItem[]>;
  explain(kpi: KpiId, itemId: string, options?: { readonly asOf?: string | Date; readonly config?: KpiConfig }): E.Either<string, KpiItem | undefined>;
  audit(query?: AuditQuery): AuditEntry[];
}

/**
 * The read side a service embeds: the KPI facts and the audit trail, each run by its own projection
 * runner over the same store, and the queries over them.
 */
export const createReadModels = (options: ReadModelsOptions): ReadModels => {
  const runnerOptions = {
    store: options.store,
    ...(options.projectionStore ? { projectionStore: options.projectionStore } : {}),
    ...(options.saveEvery === undefined ? {} : { saveEvery: options.saveEvery }),
    ...(options.flushAfterMs === undefined ? {} : { flushAfterMs: options.flushAfterMs }),
  };
  const kpiFacts = createProjectionRunner({ ...runnerOptions, projection: kpiFactsProjection });
  const auditTrail = createProjectionRunner({ ...runnerOptions, projection: auditTrailProjection });
  const config = options.config ?? defaultKpiConfig;
  const clock = options.clock ?? (() => new Date());
  let running: Promise<E.Either<ProjectionError, void>[]> | undefined;

  const withDefaults = <Q extends { readonly asOf?: string | Date; readonly config?: KpiConfig }>(query: Q) => ({
    ...query,
    asOf: query.asOf ?? clock(),
    config: query.config ?? config,
  });

  return {
    kpiFacts,
    auditTrail,
    catchUp: async () => {
      const results = await Promise.all([kpiFacts.catchUp(), auditTrail.catchUp()]);
      const failed = results.find(E.isLeft);
      return failed ?? E.right(undefined);
    },
    start: async () => {
      if (running !== undefined) return E.right(undefined);
      let caughtUp = 0;
      let signal!: () => void;
      const bothCaughtUp = new Promise<void>((resolve) => {
        signal = resolve;
      });
      const onCaughtUp = () => {
        caughtUp += 1;
        if (caughtUp === 2) signal();
      };
      const runs = [kpiFacts.run({ onCaughtUp }), auditTrail.run({ onCaughtUp })];
      running = Promise.all(runs);
      const endedEarly = await Promise.race([bothCaughtUp.then(() => false), Promise.race(runs).then(() => true)]);
      if (!endedEarly) return E.right(undefined);
      // One runner ended before both caught up (a failure): stop the other and report it.
      await Promise.all([kpiFacts.stop(), auditTrail.stop()]);
      const results = await running;
      running = undefined;
      return results.find(E.isLeft) ?? E.right(undefined);
    },
    stop: async () => {
      if (running === undefined) return E.right(undefined);
      await Promise.all([kpiFacts.stop(), auditTrail.stop()]);
      const results = await running;
      running = undefined;
      return results.find(E.isLeft) ?? E.right(undefined);
    },
    kpis: (query) => computeKpis(kpiFacts.state(), withDefaults(query)),
    kpiItems: (kpi, query) => kpiItems(kpiFacts.state(), kpi, withDefaults(query)),
    explain: (kpi, itemId, explainOptions = {}) => explainKpiItem(kpiFacts.state(), kpi, itemId, withDefaults(explainOptions)),
    audit: (query) => queryAuditTrail(auditTrail.state(), query),
  };
};
