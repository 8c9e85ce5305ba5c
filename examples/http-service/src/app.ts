import * as E from 'fp-ts/lib/Either.js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { DepartmentActor } from '@aftersales/domain';
import type { ReadModelError, ReadModels } from '@aftersales/read-models';
import type { DepartmentCommands } from '@aftersales/service';
import type { ApiKeys } from './api-keys.js';

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

/** The largest request body the service reads by default: a command is a few kilobytes. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface ServiceOptions {
  /** The department's command side, its refusals recorded in the security log (`openDepartment`'s `department`). */
  readonly department: DepartmentCommands;
  /**
   * The department's read models (`openDepartment`'s `readModels.models`): in the log's file for one
   * instance, in PostgreSQL for a read side that many instances share.
   */
  readonly readModels: ReadModels;
  /** Who each API key acts as: the only source of a command's actor. */
  readonly apiKeys: ApiKeys;
  /** A larger body is answered 413 as soon as that many bytes have arrived, never read whole. */
  readonly maxBodyBytes?: number;
}

/**
 * Each request runs in a server span that joins the caller's trace (its `traceparent` header), so the
 * spans of the commands it handles are children of the caller's request. Without an SDK registered,
 * the span is a no-op and the header is ignored.
 */
const traced = createMiddleware(async (c, next) => {
  const headers: Record<string, string> = {};
  for (const name of ['traceparent', 'tracestate']) {
    const value = c.req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  const parent = propagation.extract(context.active(), headers);
  const span = trace.getTracer('@aftersales/example-http-service').startSpan(`${c.req.method} ${c.req.path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path } }, parent);
  try {
    await context.with(trace.setSpan(parent, span), next);
    span.setAttribute('http.response.status_code', c.res.status);
    if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  } finally {
    span.end();
  }
});

/** Every error body has the same shape: a stable code to branch on and a message for people. */
const problem = (code: string, message: string) => ({ code, message });

/** What `GET /kpis` understands; anything else is refused rather than ignored. */
const KPI_PARAMETERS = ['period', 'asOf', 'atLeast'];

/**
 * The command with its actor taken from the credential. A body that names an actor must name that
 * one, so a client cannot act as someone else; a body without one gets it filled in.
 */
const actingAs = (body: unknown, actor: DepartmentActor): E.Either<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return E.right(body);
  const metadata = (body as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) return E.right(body);
  const named = (metadata as { actor?: unknown }).actor;
  if (named !== undefined) {
    const given = named as { id?: unknown; role?: unknown };
    const same = typeof named === 'object' && named !== null && given.id === actor.id && given.role === actor.role && Object.keys(named).length === 2;
    if (!same) return E.left(`the command's actor is not the one of the credential (${actor.id}, ${actor.role})`);
  }
  return E.right({ ...body, metadata: { ...metadata, actor: { id: actor.id, role: actor.role } } });
};

export const createApp = (options: ServiceOptions) => {
  const { department, readModels } = options;
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

  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  const authenticate = createMiddleware<{ Variables: { actor: DepartmentActor } }>(async (c, next) => {
    const key = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const actor = key === undefined ? undefined : options.apiKeys.actorOf(key);
    if (actor === undefined) {
      c.header('WWW-Authenticate', 'Bearer');
      return c.json(problem('Unauthenticated', key === undefined ? 'send an API key as Authorization: Bearer <key>' : 'the API key is not known'), 401);
    }
    c.set('actor', actor);
    await next();
  });

  const limitBody = bodyLimit({
    maxSize: maxBodyBytes,
    // The rest of the body is never read, so the connection cannot carry another request: it is closed.
    onError: (c) => c.json(problem('PayloadTooLarge', `the body is larger than ${maxBodyBytes} bytes`), 413, { Connection: 'close' }),
  });

  return new Hono()
    .use(traced)
    .onError((error, c) => {
      console.error(error);
      return c.json(problem('InternalError', 'the service failed to answer; the error is in its log'), 500);
    })
    .notFound((c) => c.json(problem('NotFound', `no ${c.req.method} ${c.req.path}`), 404))
    .get('/health', (c) => c.json({ status: 'ok' }))
    .post('/commands', authenticate, limitBody, async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json(problem('InvalidCommand', 'the body is not valid JSON'), 400);
      }
      const command = actingAs(body, c.get('actor'));
      if (E.isLeft(command)) return c.json(problem('ActorMismatch', command.left), 403);
      const result = await department.handleUntrusted(command.right);
      if (E.isLeft(result)) {
        const { code, message } = result.left;
        return c.json(problem(code, message), statusOf(code));
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
    .get('/kpis', authenticate, async (c) => {
      // A parameter misspelt or sent twice would otherwise be ignored and answer another question than the one asked.
      const parameters = c.req.queries();
      const unknown = Object.keys(parameters).find((name) => !KPI_PARAMETERS.includes(name));
      if (unknown !== undefined) return c.json(problem('InvalidQuery', `unknown query parameter ${JSON.stringify(unknown)}: /kpis takes ${KPI_PARAMETERS.join(', ')}`), 400);
      const repeated = Object.entries(parameters).find(([, values]) => values.length > 1);
      if (repeated !== undefined) return c.json(problem('InvalidQuery', `query parameter ${repeated[0]} is given ${repeated[1].length} times`), 400);
      const period = c.req.query('period') ?? String(new Date().getUTCFullYear());
      const asOf = c.req.query('asOf');
      const atLeast = c.req.query('atLeast');
      if (atLeast !== undefined && !/^\d{1,40}$/.test(atLeast)) return c.json(problem('InvalidQuery', `atLeast ${JSON.stringify(atLeast)} is not a log position`), 400);
      const started = await follow();
      if (E.isLeft(started)) return c.json(problem(started.left.code, started.left.message), statusOf(started.left.code));
      if (atLeast !== undefined) {
        const reached = await readModels.waitFor(BigInt(atLeast), { timeoutMs: 5000 });
        if (E.isLeft(reached)) return c.json(problem(reached.left.code, reached.left.message), reached.left.code === 'ReadModelTimeout' ? 504 : statusOf(reached.left.code));
      }
      const answer = await readModels.kpis({ period, ...(asOf === undefined ? {} : { asOf }) });
      if (E.isLeft(answer)) return c.json(problem(answer.left.code, answer.left.message), answer.left.code === 'InvalidQuery' ? 400 : statusOf(answer.left.code));
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
