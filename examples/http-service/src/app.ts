import * as E from 'fp-ts/lib/Either.js';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { EventStore } from '@aftersales/core';
import { createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { ReadModelBackend, ReadModelError } from '@aftersales/read-models';
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
    case 'AccessDenied':
    case 'StoreRejected':
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
  /**
   * Where the read models' rows live: `SqliteReadModelBackend` over the log's file for one instance,
   * `PostgresReadModelBackend` for a read side that many instances share; memory when absent.
   */
  readonly readModels?: ReadModelBackend;
}

export const createApp = (options: ServiceOptions) => {
  const department = createDepartment({ store: options.store, onRefused: createSecurityLog({ store: options.store }).onRefused });
  const readModels = createReadModels({ store: options.store, ...(options.readModels ? { backend: options.readModels } : {}) });
  // The read models follow the log in the background from the first query on; a query never waits
  // for them, unless it asks to see at least a given position (read-your-writes).
  let following: Promise<E.Either<ReadModelError, void>> | undefined;
  const follow = () => {
    following ??= readModels.start({ onStopped: () => (following = undefined) }).then((started) => {
      if (E.isLeft(started)) following = undefined;
      return started;
    });
    return following;
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
      const atLeast = c.req.query('atLeast');
      if (atLeast !== undefined && !/^\d{1,40}$/.test(atLeast)) return c.json({ code: 'InvalidQuery', message: `atLeast ${JSON.stringify(atLeast)} is not a log position` }, 400);
      const started = await follow();
      if (E.isLeft(started)) return c.json({ code: started.left.code, message: started.left.message }, statusOf(started.left.code));
      if (atLeast !== undefined) {
        const reached = await readModels.waitFor(BigInt(atLeast), { timeoutMs: 5000 });
        if (E.isLeft(reached)) return c.json({ code: reached.left.code, message: reached.left.message }, reached.left.code === 'ReadModelTimeout' ? 504 : statusOf(reached.left.code));
      }
      const answer = await readModels.kpis({ period, ...(asOf === undefined ? {} : { asOf }) });
      if (E.isLeft(answer)) return c.json({ code: answer.left.code, message: answer.left.message }, answer.left.code === 'InvalidQuery' ? 400 : statusOf(answer.left.code));
      return c.json({
        position: answer.right.position?.toString() ?? null,
        kpis: answer.right.results.map(({ kpi, period: label, numerator, denominator, rate, target, met, missed, missedCount, pending, pendingCount }) => ({
          kpi,
          period: label,
          numerator,
          denominator,
          rate,
          target,
          met,
          missed,
          missedCount,
          pending,
          pendingCount,
        })),
      });
    });
};
