import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, Projection, RecordedEvent, VerificationReport } from '@aftersales/core';
import { createLogVerifier, createProjectionRunner, matchesFilter } from '@aftersales/core';
import type { AuditTrailState, KpiFactsState } from '@aftersales/read-models';
import { auditTrailProjection, kpiFactsProjection } from '@aftersales/read-models';
import type { Timing } from './stopwatch.js';
import { Stopwatch } from './stopwatch.js';

export interface RebuildRun {
  readonly events: number;
  readonly seconds: Timing;
  readonly report: VerificationReport;
  readonly orders: number;
  readonly auditEntries: number;
}

interface RebuildState {
  readonly verifier: ReturnType<typeof createLogVerifier>;
  kpiFacts: KpiFactsState;
  auditTrail: AuditTrailState;
  events: number;
}

/**
 * Every read model and the log's verification in one pass over the raw log: each stored event is
 * checked against its hash and chain, then folded into the KPI facts and the audit trail, which
 * upcast and decode it. One read serves all three, so the log is parsed once.
 */
const rebuildProjection = (): Projection<RebuildState> => ({
  name: 'bench-rebuild',
  initialState: {
    verifier: createLogVerifier([]),
    kpiFacts: kpiFactsProjection.initialState,
    auditTrail: auditTrailProjection.initialState,
    events: 0,
  },
  evolve: (state, event: RecordedEvent) => {
    state.verifier.add(event);
    if (matchesFilter(kpiFactsProjection.filter, event.streamId, event.type)) state.kpiFacts = kpiFactsProjection.evolve(state.kpiFacts, event);
    state.auditTrail = auditTrailProjection.evolve(state.auditTrail, event);
    state.events += 1;
    return state;
  },
  // The rebuilt read models stay in memory: persisting them is not part of the figure.
  serialize: (state) => ({ events: state.events }),
  deserialize: () => E.left('a benchmark rebuild is never resumed'),
});

/** Rebuilds through the projection runner, reading the store's `$all` from the first event. */
export const rebuildReadModels = async (store: EventStore): Promise<RebuildRun> => {
  const runner = createProjectionRunner({ store, projection: rebuildProjection(), saveEvery: Number.MAX_SAFE_INTEGER });
  const stopwatch = new Stopwatch();
  const rebuilt = await stopwatch.timeAsync(() => runner.rebuild());
  if (E.isLeft(rebuilt)) throw new Error(`rebuild failed: ${rebuilt.left.message}`);
  const state = rebuilt.right;
  const report = state.verifier.finish();
  if (!report.intact) throw new Error(`the log does not verify: ${report.problemCount} problems`);
  return {
    events: state.events,
    seconds: stopwatch.seconds,
    report,
    orders: Object.keys(state.kpiFacts.orders).length,
    auditEntries: state.auditTrail.entries.length,
  };
};
