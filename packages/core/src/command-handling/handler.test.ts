import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCommandHandler, createCommandRouter } from './index.js';
import type { RefusedCommand } from './index.js';
import { collect } from '../event-store.js';
import { verifyStreamChain } from '../hash-chain.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import { COUNTER_LIMIT, counter, counterCommand } from '../testing/counter.js';

const increment = (by: unknown, commandId: string, counterId = 'c1') => counterCommand('Increment', { counterId, by }, commandId);

const streamOf = async (store: InMemoryEventStore, streamId: string) => {
  const read = await collect(store.readStream(streamId));
  return E.isRight(read) ? read.right : [];
};

describe('command handling', () => {
  it('decodes, decides and appends with metadata carried from the command', async () => {
    const store = new InMemoryEventStore({ clock: () => new Date('2026-03-02T01:00:00Z') });
    const handler = createCommandHandler({ store });
    const raw = {
      ...(increment(3, 'cmd-1') as object),
      metadata: { commandId: 'cmd-1', actor: { id: 'clerk-1', role: 'Clerk' }, at: '2026-03-02T09:00:00+08:00', correlationId: 'corr-9' },
    };
    const result = await handler.handle(counter, raw);
    expect(E.isRight(result)).toBe(true);
    const [event] = await streamOf(store, 'Counter-c1');
    expect(event).toMatchObject({
      streamId: 'Counter-c1',
      revision: 0,
      type: 'Incremented',
      data: { counterId: 'c1', by: 3 },
      metadata: {
        commandId: 'cmd-1',
        correlationId: 'corr-9',
        causationId: 'cmd-1',
        actor: { id: 'clerk-1', role: 'Clerk' },
        occurredAt: '2026-03-02T09:00:00+08:00',
        recordedAt: '2026-03-02T01:00:00.000Z',
        schemaVersion: 1,
      },
    });
  });

  it('refuses an invalid command listing every issue by path, and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const refusals: RefusedCommand[] = [];
    const handler = createCommandHandler({ store, onRefused: (refusal) => void refusals.push(refusal) });
    const result = await handler.handle(counter, {
      type: 'Increment',
      data: { counterId: '', by: 1.5, extra: true },
      metadata: { commandId: 'x', actor: { id: 'a', role: 'Clerk' }, at: 'yesterday' },
    });
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'InvalidCommand' });
    const issues = E.isLeft(result) ? (result.left as unknown as { issues: { path: string }[] }).issues.map((issue) => issue.path) : [];
    expect(issues).toEqual(expect.arrayContaining(['data.counterId', 'data.by', 'data', 'metadata.at']));
    expect(await streamOf(store, 'Counter-c1')).toEqual([]);
    expect(refusals.map((refusal) => refusal.error.code)).toEqual(['InvalidCommand']);
  });

  it('refuses a forbidden role before loading anything', async () => {
    const store = new InMemoryEventStore();
    const result = await createCommandHandler({ store }).handle(counter, counterCommand('Increment', { counterId: 'c1', by: 1 }, 'cmd-1', 'Auditor'));
    expect(E.isLeft(result) && result.left.code).toBe('Forbidden');
    expect(await streamOf(store, 'Counter-c1')).toEqual([]);
  });

  it('returns a domain refusal as a value and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const handler = createCommandHandler({ store });
    await handler.handle(counter, increment(COUNTER_LIMIT, 'cmd-1'));
    const result = await handler.handle(counter, increment(1, 'cmd-2'));
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'LimitExceeded', message: 'counter c1 at 100 cannot grow by 1' });
    expect(await streamOf(store, 'Counter-c1')).toHaveLength(1);
  });

  it('is idempotent by command id, also for a new handler over the same store (a restart)', async () => {
    const store = new InMemoryEventStore();
    const first = await createCommandHandler({ store }).handle(counter, increment(2, 'cmd-1'));
    await createCommandHandler({ store }).handle(counter, increment(5, 'cmd-2'));
    const again = await createCommandHandler({ store }).handle(counter, increment(2, 'cmd-1'));
    expect(E.isRight(first) && E.isRight(again)).toBe(true);
    if (E.isRight(first) && E.isRight(again)) {
      expect(again.right.duplicate).toBe(true);
      expect(again.right.events).toEqual(first.right.events);
    }
    expect((await streamOf(store, 'Counter-c1')).map((event) => event.data)).toEqual([
      { counterId: 'c1', by: 2 },
      { counterId: 'c1', by: 5 },
    ]);
  });

  it('routes by type and names an unknown type', async () => {
    const store = new InMemoryEventStore();
    const router = createCommandRouter({ store }, [counter]);
    expect(E.isRight(await router.handle(increment(1, 'cmd-1')))).toBe(true);
    const unknown = await router.handle({ type: 'Decrement', data: {}, metadata: {} });
    expect(E.isLeft(unknown) && unknown.left).toMatchObject({ code: 'InvalidCommand', message: 'unknown command type "Decrement"' });
    const notAnObject = await router.handle([1, 2]);
    expect(E.isLeft(notAnObject) && notAnObject.left.code).toBe('InvalidCommand');
  });

  it('re-decides after losing a race, so both of two concurrent commands land', async () => {
    const store = new InMemoryEventStore();
    const handlers = [createCommandHandler({ store }), createCommandHandler({ store })];
    const results = await Promise.all(handlers.map((handler, index) => handler.handle(counter, increment(1, `cmd-${index}`))));
    expect(results.every(E.isRight)).toBe(true);
    expect((await streamOf(store, 'Counter-c1')).map((event) => event.revision)).toEqual([0, 1]);
  });

  it('decides on the stream as stored when another writer changed it since this handler last saw it', async () => {
    const store = new InMemoryEventStore();
    const handler = createCommandHandler({ store });
    await handler.handle(counter, increment(1, 'cmd-1'));
    await createCommandHandler({ store }).handle(counter, counterCommand('Close', { counterId: 'c1' }, 'cmd-2'));
    const afterClose = await handler.handle(counter, increment(1, 'cmd-3'));
    expect(E.isLeft(afterClose)).toBe(true);
    expect(await streamOf(store, 'Counter-c1')).toHaveLength(2);

    const other = new InMemoryEventStore();
    const remembering = createCommandHandler({ store: other });
    await remembering.handle(counter, increment(COUNTER_LIMIT, 'cmd-1'));
    const lowered = await other.appendToStream(
      'Counter-c1',
      [{ eventId: '5d1e3f4a-0000-4000-8000-000000000001', type: 'Incremented', data: { counterId: 'c1', by: -50 }, metadata: { commandId: 'manual', correlationId: 'manual', causationId: 'manual', actor: { id: 'ops', role: 'Clerk' }, occurredAt: '2026-03-02T09:00:00+08:00', schemaVersion: 1 } }],
      { expectedRevision: 0 },
    );
    expect(E.isRight(lowered)).toBe(true);
    const accepted = await remembering.handle(counter, increment(10, 'cmd-2'));
    expect(E.isRight(accepted) && accepted.right.nextExpectedRevision).toBe(2);
    const resent = await remembering.handle(counter, increment(10, 'cmd-2'));
    expect(E.isRight(resent) && resent.right.duplicate).toBe(true);
    expect(await streamOf(other, 'Counter-c1')).toHaveLength(3);
  });

  it('property: concurrent clients on one stream: accepted events stored exactly once, gapless, refusals append nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            by: fc.oneof(fc.integer({ min: 1, max: 30 }), fc.constant(-1), fc.constant(0.5)),
            client: fc.integer({ min: 0, max: 4 }),
            resend: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        async (commands) => {
          const store = new InMemoryEventStore();
          const clients = Array.from({ length: 5 }, () => createCommandHandler({ store, maxConflictRetries: 100 }));
          const sent = commands.flatMap((command, index) => {
            const raw = increment(command.by, `cmd-${index}`);
            return command.resend ? [{ client: command.client, raw, index }, { client: (command.client + 1) % 5, raw, index }] : [{ client: command.client, raw, index }];
          });
          const results = await Promise.all(sent.map(({ client, raw }) => clients[client]!.handle(counter, raw)));
          const stored = await streamOf(store, 'Counter-c1');
          expect(stored.map((event) => event.revision)).toEqual(stored.map((_, index) => index));
          expect(verifyStreamChain(stored)).toEqual([]);
          const acceptedIds = new Set<string>();
          results.forEach((result, index) => {
            if (E.isRight(result)) acceptedIds.add(`cmd-${sent[index]!.index}`);
          });
          const storedCommandIds = stored.map((event) => event.metadata.commandId);
          expect(new Set(storedCommandIds).size).toBe(storedCommandIds.length);
          expect(new Set(storedCommandIds)).toEqual(acceptedIds);
          const total = stored.reduce((sum, event) => sum + (event.data as { by: number }).by, 0);
          expect(total).toBeLessThanOrEqual(COUNTER_LIMIT);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('does not trust a remembered state when a resend is recognized as a retry another writer stored', async () => {
    const store = new InMemoryEventStore();
    const first = createCommandHandler({ store });
    const second = createCommandHandler({ store });
    expect(E.isRight(await first.handle(counter, increment(1, 'cmd-1')))).toBe(true);
    expect(E.isRight(await second.handle(counter, increment(2, 'cmd-x')))).toBe(true);
    expect(E.isRight(await second.handle(counter, increment(3, 'cmd-y')))).toBe(true);
    // The first handler still remembers the counter at 1; the resend of cmd-x lands on the stored retry.
    expect(E.isRight(await first.handle(counter, increment(2, 'cmd-x')))).toBe(true);
    const over = await first.handle(counter, increment(COUNTER_LIMIT - 5, 'cmd-z'));
    expect(E.isLeft(over) && over.left.code).toBe('LimitExceeded');
    const stored = await streamOf(store, 'Counter-c1');
    expect(stored.map((event) => event.metadata.commandId)).toEqual(['cmd-1', 'cmd-x', 'cmd-y']);
  });
  it("returns a refused command's first refusal when it is sent again, also after a restart and after the state changed", async () => {
    const store = new InMemoryEventStore();
    await createCommandHandler({ store }).handle(counter, increment(COUNTER_LIMIT, 'cmd-1'));
    const first = await createCommandHandler({ store }).handle(counter, increment(5, 'cmd-2'));
    expect(E.isLeft(first) && first.left.code).toBe('LimitExceeded');
    // The counter is closed now: deciding cmd-2 again would give another refusal.
    await createCommandHandler({ store }).handle(counter, counterCommand('Close', { counterId: 'c1' }, 'cmd-3'));
    for (const handler of [createCommandHandler({ store }), createCommandHandler({ store, cachedStreams: 0 })]) {
      expect(await handler.handle(counter, increment(5, 'cmd-2'))).toEqual(first);
    }
    expect((await streamOf(store, 'Counter-c1')).map((event) => event.metadata.commandId)).toEqual(['cmd-1', 'cmd-3']);
    expect((await streamOf(store, 'Refusals-Counter-c1')).map((event) => [event.type, event.metadata.commandId])).toEqual([['RefusalRecorded', 'cmd-2']]);
  });

  describe('a command id reused with other content', () => {
    const at = (command: unknown, time: string, actorId = 'clerk-1') => {
      const value = command as { metadata: Record<string, unknown> };
      return { ...value, metadata: { ...value.metadata, at: time, actor: { id: actorId, role: 'Clerk' } } };
    };

    it.each([
      ['another type', counterCommand('Close', { counterId: 'c1' }, 'cmd-1')],
      ['other data', increment(3, 'cmd-1')],
      ['another actor', at(increment(2, 'cmd-1'), '2026-03-02T09:00:00+08:00', 'clerk-2')],
    ])('is refused as IdempotencyConflict for %s: nothing appended, the first result stands', async (_, reused) => {
      const store = new InMemoryEventStore();
      const refusals: RefusedCommand[] = [];
      const first = await createCommandHandler({ store }).handle(counter, increment(2, 'cmd-1'));
      for (const handler of [createCommandHandler({ store, onRefused: (refusal) => void refusals.push(refusal) }), createCommandHandler({ store, cachedStreams: 0 })]) {
        const conflict = await handler.handle(counter, reused);
        expect(E.isLeft(conflict) && conflict.left).toMatchObject({ code: 'IdempotencyConflict', streamId: 'Counter-c1', commandId: 'cmd-1' });
      }
      expect(refusals.map((refusal) => refusal.error.code)).toEqual(['IdempotencyConflict']);
      expect(await createCommandHandler({ store }).handle(counter, increment(2, 'cmd-1'))).toEqual(E.right({ ...(E.isRight(first) ? first.right : {}), duplicate: true }));
      expect((await streamOf(store, 'Counter-c1')).map((event) => event.data)).toEqual([{ counterId: 'c1', by: 2 }]);
    });

    it('is the same command when only its business time differs', async () => {
      const store = new InMemoryEventStore();
      const handler = createCommandHandler({ store });
      await handler.handle(counter, increment(2, 'cmd-1'));
      const again = await handler.handle(counter, at(increment(2, 'cmd-1'), '2026-03-03T09:00:00+08:00'));
      expect(E.isRight(again) && again.right.duplicate).toBe(true);
    });

    it('is refused after a refusal too, the first refusal standing for the same command', async () => {
      const store = new InMemoryEventStore();
      const handler = createCommandHandler({ store });
      await handler.handle(counter, increment(COUNTER_LIMIT, 'cmd-1'));
      const first = await handler.handle(counter, increment(5, 'cmd-2'));
      expect(E.isLeft(first) && first.left.code).toBe('LimitExceeded');
      const reused = await createCommandHandler({ store }).handle(counter, counterCommand('Close', { counterId: 'c1' }, 'cmd-2'));
      expect(E.isLeft(reused) && reused.left.code).toBe('IdempotencyConflict');
      expect(await createCommandHandler({ store }).handle(counter, increment(5, 'cmd-2'))).toEqual(first);
      expect((await streamOf(store, 'Counter-c1')).map((event) => event.metadata.commandId)).toEqual(['cmd-1']);
    });
  });

  describe('business time', () => {
    const timed = (by: number, commandId: string, time: string) => {
      const command = increment(by, commandId) as { metadata: Record<string, unknown> };
      return { ...command, metadata: { ...command.metadata, at: time } };
    };

    it('refuses a command earlier than the stream\'s last event with InvalidTransition, appending nothing, and journals the refusal', async () => {
      const store = new InMemoryEventStore();
      await createCommandHandler({ store }).handle(counter, timed(1, 'cmd-1', '2026-03-10T09:00:00+08:00'));
      for (const handler of [createCommandHandler({ store }), createCommandHandler({ store, cachedStreams: 0 })]) {
        const backwards = await handler.handle(counter, timed(1, 'cmd-2', '2026-03-10T00:59:59Z'));
        expect(E.isLeft(backwards) && backwards.left).toMatchObject({ code: 'InvalidTransition', lastAt: '2026-03-10T09:00:00+08:00' });
      }
      expect((await streamOf(store, 'Counter-c1')).map((event) => event.metadata.commandId)).toEqual(['cmd-1']);
      expect((await streamOf(store, 'Refusals-Counter-c1')).map((event) => event.metadata.commandId)).toEqual(['cmd-2']);
    });

    it('accepts the same instant, and the same moment written with another offset', async () => {
      const store = new InMemoryEventStore();
      const handler = createCommandHandler({ store });
      await handler.handle(counter, timed(1, 'cmd-1', '2026-03-10T09:00:00+08:00'));
      expect(E.isRight(await handler.handle(counter, timed(1, 'cmd-2', '2026-03-10T09:00:00+08:00')))).toBe(true);
      expect(E.isRight(await handler.handle(counter, timed(1, 'cmd-3', '2026-03-10T01:00:00Z')))).toBe(true);
    });

    it.each(['1999-12-31T23:59:59Z', '2100-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '9999-12-31T00:00:00+08:00'])(
      'refuses %s as InvalidCommand naming metadata.at',
      async (time) => {
        const store = new InMemoryEventStore();
        const refused = await createCommandHandler({ store }).handle(counter, timed(1, 'cmd-1', time));
        expect(E.isLeft(refused) && refused.left).toMatchObject({ code: 'InvalidCommand', issues: [expect.objectContaining({ path: 'metadata.at' })] });
      },
    );
  });
});
