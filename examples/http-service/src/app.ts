import * as E from 'fp-ts/lib/Either.js';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EventStore, ProjectionStore } from '@aftersales/core';
import { createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import { createReadModels } from '@aftersales/read-models';

/**
 * How this service answers each refusal over HTTP. The domain's errors know nothing of HTTP; the
 * mapping is the service's own choice, kept here.
 */
export const statusOf = (code: string): ContentfulStatusCode => {
  switch (code) {
    case 'InvalidCommand':
      return 400;
    case 'Forbidden':
      return 403;
    case 'InvalidTransition':
    case 'ConcurrencyConflict':
      return 409;
    case 'OverBudget':
      return 422;
    case 'StoreUnavailable':
      return 503;
    case 'CorruptedEvent':
      return 500;
    default:
      return 422;
  }
};

export interface ServiceOptions {
  /** The department's log as commands and read models see it (see `departmentEventPipeline`). */
  readonly store: EventStore;
  /** Where the KPI read model keeps its state and checkpoint; memory when absent. */
  readonly projectionStore?: ProjectionStore;
}

export const createApp = (options: ServiceOptions) => {
  const department = createDepartment({ store: options.store, onRefused: createSecurityLog({ store: options.store }).onRefused });
  const readModels = createReadModels({
    store: options.store,
    ...(options.projectionStore ? { projectionStore: options.projectionStore } : {}),
  });
  // Catch-ups run one after another, so concurrent requests never apply the same events twice.
  let catchingUp: Promise<unknown> = Promise.resolve();
  const catchUp = () => {
    const next = catchingUp.then(() => readModels.kpiFacts.catchUp());
    catchingUp = next;
    return next;
  };

  return new Hono()
    .post('/commands', async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ code: 'InvalidCommand', message: 'the body is not valid JSON' }, 400);
      }
      const result = await department.handle(body);
      if (E.isLeft(result)) {
        const { code, message } = result.left;
        return c.json({ code, message }, statusOf(code));
      }
      const { streamId, events, nextExpectedRevision, duplicate } = result.right;
      return c.json(
        {
          streamId,
          nextExpectedRevision,
          duplicate,
          events: events.map((event) => ({
            streamId: event.streamId,
            revision: event.revision,
            type: event.type,
            eventId: event.eventId,
            globalPosition: event.globalPosition.toString(),
          })),
        },
        duplicate ? 200 : 201,
      );
    })
    .get('/kpis', async (c) => {
      const period = c.req.query('period') ?? String(new Date().getUTCFullYear());
      const asOf = c.req.query('asOf');
      const caughtUp = await catchUp();
      if (E.isLeft(caughtUp)) return c.json({ code: caughtUp.left.code, message: caughtUp.left.message }, statusOf(caughtUp.left.code));
      const kpis = readModels.kpis({ period, ...(asOf === undefined ? {} : { asOf }) });
      if (E.isLeft(kpis)) return c.json({ code: 'InvalidQuery', message: kpis.left }, 400);
      return c.json(
        kpis.right.map(({ kpi, period: label, numerator, denominator, rate, target, met, missed }) => ({
          kpi,
          period: label,
          numerator,
          denominator,
          rate,
          target,
          met,
          missed,
        })),
      );
    });
};
