import * as E from 'fp-ts/lib/Either.js';
import { SpanStatusCode } from '@opentelemetry/api';
import type { RecordedEvent } from '@aftersales/core';
import { TELEMETRY } from '@aftersales/core';
import { appendLinksOf, attributeCache, libraryInstruments, libraryTracer } from '@aftersales/core/adapter-kit';
import type { Checkpoint, ReadModelBackend, ReadModelName } from './backend.js';

const { attributes: names, spans } = TELEMETRY;

/**
 * The telemetry of the read side over one backend: a `project batch` span per batch, linked to the
 * spans that appended its events, and the lag and checkpoint age of each read model after each commit.
 */
export const projectionTelemetry = (dbSystem: ReadModelBackend['kind']) => {
  const readModelAttributes = attributeCache((readModel: ReadModelName) => ({ [names.readModel]: readModel, [names.dbSystem]: dbSystem }));
  return {
    /**
     * Applies one batch in its span. `behind` is how many events the runner has read from the log
     * beyond this batch, when it knows (while following live events); `apply` answers the checkpoints
     * the batch moved.
     */
    batch: async <L extends { readonly code: string }>(
      events: readonly RecordedEvent[],
      behind: number | undefined,
      apply: () => Promise<E.Either<L, readonly Checkpoint[]>>,
    ): Promise<E.Either<L, void>> => {
      const span = libraryTracer().startSpan(spans.projectBatch);
      if (span.isRecording()) {
        const first = events[0];
        const last = events.at(-1);
        span.setAttributes({
          [names.dbSystem]: dbSystem,
          [names.events]: events.length,
          ...(first === undefined ? {} : { [names.firstPosition]: first.globalPosition.toString() }),
          ...(last === undefined ? {} : { [names.lastPosition]: last.globalPosition.toString() }),
        });
        span.addLinks(appendLinksOf(events.map((event) => event.metadata.trace)));
      }
      try {
        const applied = await apply();
        if (E.isLeft(applied)) {
          span.setAttribute(names.errorCode, applied.left.code);
          span.setStatus({ code: SpanStatusCode.ERROR, message: applied.left.code });
          return applied;
        }
        const last = events.at(-1);
        if (last !== undefined && applied.right.length > 0) {
          const { projectionLag, checkpointAge } = libraryInstruments();
          const age = Math.max(0, (Date.now() - Date.parse(last.metadata.recordedAt)) / 1000);
          for (const checkpoint of applied.right) {
            const attributes = readModelAttributes(checkpoint.readModel);
            if (behind !== undefined) projectionLag.record(behind, attributes);
            if (Number.isFinite(age)) checkpointAge.record(age, attributes);
          }
        }
        return E.right(undefined);
      } finally {
        span.end();
      }
    },
  };
};
