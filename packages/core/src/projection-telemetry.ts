import type { Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { EventStore } from './event-store.js';
import { positionsBetween } from './event-store.js';
import type { RecordedEvent } from './messages.js';
import { TELEMETRY, attributeCache, libraryInstruments, libraryTracer, spanContextOf } from './telemetry.js';

const { attributes: names, spans } = TELEMETRY;

/** How a batch ended: the read models whose checkpoints it moved, or the code of the error that stopped it. */
export type BatchOutcome = { readonly moved: readonly string[] } | { readonly failed: string };

/** One projection batch being recorded: open from its first event until its checkpoints are committed. */
export interface BatchTelemetry {
  /** Takes one event into the batch: its position, and a link to the span that appended it. */
  add(event: RecordedEvent): void;
  /**
   * Ends the batch's span and, when it moved checkpoints, records each one's checkpoint age and its
   * lag: how far behind the log's head the batch leaves it (a promise while the head is being read;
   * undefined when unknown), in the store's positions (see `EventStore.positionsBetween`).
   */
  end(outcome: BatchOutcome, lag?: number | Promise<number | undefined>): Promise<void>;
}

/**
 * How far a reader that has applied the log up to `position` is behind the store's head, read now:
 * undefined when the store cannot tell (no `headPosition`) or the read fails, which must not stop a
 * projection. Projections ask it once per batch, while the batch commits.
 */
export const lagBehindHead = (store: EventStore, position: bigint | undefined): Promise<number | undefined> | undefined => {
  if (store.headPosition === undefined) return undefined;
  return store.headPosition().then(
    (head) => (head === undefined ? 0 : positionsBetween(store, position, head)),
    () => undefined,
  );
};

/**
 * The telemetry of projection batches written to one kind of store (`db.system`): a `project batch`
 * span per batch with the positions it covered, linked to the spans that appended its events, and
 * each read model's lag and checkpoint age after each commit. The read models and the generic
 * projection runner both record their batches with it.
 */
export const projectionTelemetry = (dbSystem: string | undefined) => {
  const readModelAttributes = attributeCache((readModel: string) =>
    dbSystem === undefined ? { [names.readModel]: readModel } : { [names.readModel]: readModel, [names.dbSystem]: dbSystem },
  );
  /** Starts a batch; `readModel` names the one read model it serves, when it serves one. */
  const begin = (readModel?: string): BatchTelemetry => {
    const span: Span = libraryTracer().startSpan(spans.projectBatch);
    // Without a recording span nothing is kept per event but the positions: the links are never built.
    const linked = span.isRecording() ? new Set<string>() : undefined;
    let first: RecordedEvent | undefined;
    let last: RecordedEvent | undefined;
    let count = 0;
    return {
      add: (event) => {
        first ??= event;
        last = event;
        count += 1;
        if (linked === undefined) return;
        const appended = spanContextOf(event.metadata.trace);
        if (appended === undefined || linked.has(appended.spanId)) return;
        linked.add(appended.spanId);
        span.addLink({ context: appended });
      },
      end: async (outcome, lag) => {
        try {
          if (linked !== undefined) {
            span.setAttributes({
              ...(dbSystem === undefined ? {} : { [names.dbSystem]: dbSystem }),
              ...(readModel === undefined ? {} : { [names.readModel]: readModel }),
              [names.events]: count,
              ...(first === undefined ? {} : { [names.firstPosition]: first.globalPosition.toString() }),
              ...(last === undefined ? {} : { [names.lastPosition]: last.globalPosition.toString() }),
            });
          }
          if ('failed' in outcome) {
            span.setAttribute(names.errorCode, outcome.failed);
            span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.failed });
            return;
          }
          if (last === undefined || outcome.moved.length === 0) return;
          const behind = await lag;
          const { projectionLag, checkpointAge } = libraryInstruments();
          const age = Math.max(0, (Date.now() - Date.parse(last.metadata.recordedAt)) / 1000);
          for (const moved of outcome.moved) {
            const attributes = readModelAttributes(moved);
            if (behind !== undefined) projectionLag.record(behind, attributes);
            if (Number.isFinite(age)) checkpointAge.record(age, attributes);
          }
        } finally {
          span.end();
        }
      },
    };
  };
  return { begin };
};
