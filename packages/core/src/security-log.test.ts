import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { createCommandRouter } from './command-handling/index.js';
import { collect } from './event-store.js';
import { InMemoryEventStore } from './in-memory-store.js';
import { CommandRefused, createSecurityLog } from './security-log.js';
import { counter, counterCommand } from './testing/counter.js';

const setup = () => {
  const store = new InMemoryEventStore();
  const securityLog = createSecurityLog({ store, clock: () => new Date('2026-03-05T00:00:00Z') });
  const router = createCommandRouter({ store, onRefused: securityLog.onRefused }, [counter]);
  return { store, router };
};

describe('the security log', () => {
  it('records a forbidden command in its own stream, with who, which role, what, when and why', async () => {
    const { store, router } = setup();
    const refused = await router.handle(counterCommand('Increment', { counterId: 'c1', by: 1 }, 'cmd-1', 'Auditor'));
    expect(E.isLeft(refused) && refused.left.code).toBe('Forbidden');
    const log = await collect(store.readStream('SecurityLog-2026-03-02'));
    expect(log).toEqual(
      E.right([
        expect.objectContaining({
          type: 'CommandRefused',
          data: {
            commandId: 'cmd-1',
            commandType: 'Increment',
            code: 'Forbidden',
            reason: 'Increment: role Auditor may not',
            actor: { id: 'clerk-1', role: 'Auditor' },
            at: '2026-03-02T09:00:00+08:00',
            targetStreamId: 'Counter-c1',
          },
          metadata: expect.objectContaining({ actor: { id: 'clerk-1', role: 'Auditor' }, occurredAt: '2026-03-02T09:00:00+08:00' }),
        }),
      ]),
    );
    expect(E.isLeft(await collect(store.readStream('Counter-c1')))).toBe(true);
  });

  it('records the same refused command once, however often it is sent', async () => {
    const { store, router } = setup();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await router.handle(counterCommand('Increment', { counterId: 'c1', by: 1 }, 'cmd-1', 'Auditor'));
      await router.handle({ type: 'Explode', data: {}, metadata: { nonsense: true } });
    }
    const all = await collect(store.readAll());
    expect(E.isRight(all) && all.right.map((event) => event.streamId)).toEqual(['SecurityLog-2026-03-02', 'SecurityLog-undated']);
  });

  it('records malformed commands with what did not validate, and not refusals by a domain rule', async () => {
    const { store, router } = setup();
    await router.handle(counterCommand('Increment', { counterId: 'c1', by: -1 }, 'cmd-2'));
    await router.handle(counterCommand('Increment', { counterId: 'c1', by: 100 }, 'cmd-3'));
    await router.handle(counterCommand('Increment', { counterId: 'c1', by: 1 }, 'cmd-4'));
    const log = await collect(store.readAll({ filter: { streamPrefixes: ['SecurityLog-'] } }));
    expect(E.isRight(log) && log.right.map((event) => CommandRefused.parse(event.data))).toEqual([
      expect.objectContaining({ commandId: 'cmd-2', code: 'InvalidCommand', fields: ['data.by'], reason: 'invalid command: data.by did not validate' }),
    ]);
  });

  it('keeps hostile input bounded and never throws on it', async () => {
    const { store, router } = setup();
    const hostile = JSON.parse('{"__proto__":{"polluted":true},"type":"' + 'x'.repeat(10_000) + '","metadata":{"commandId":"' + 'y'.repeat(5000) + '","actor":{"id":1}}}');
    await router.handle(hostile);
    await router.handle(null);
    const log = await collect(store.readAll());
    expect(E.isRight(log) && log.right.length).toBe(2);
    if (E.isRight(log)) for (const event of log.right) expect(CommandRefused.safeParse(event.data).success).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('records attempts that share a command id apart when their actor, code or field differ, and the same attempt once', async () => {
    const { store, router } = setup();
    for (const actor of ['clerk-1', 'clerk-2', 'clerk-3', 'clerk-1']) {
      const command = counterCommand('Increment', { counterId: 'c1', by: 1 }, 'shared-id', 'Auditor') as { metadata: Record<string, unknown> };
      await router.handle({ ...command, metadata: { ...command.metadata, actor: { id: actor, role: 'Auditor' } } });
    }
    await router.handle(counterCommand('Increment', { counterId: 'c1', by: -1 }, 'shared-id'));
    await router.handle(counterCommand('Increment', { counterId: '', by: 1 }, 'shared-id'));
    const log = await collect(store.readAll({ filter: { streamPrefixes: ['SecurityLog-'] } }));
    const entries = E.isRight(log) ? log.right.map((event) => CommandRefused.parse(event.data)) : [];
    expect(entries.map((entry) => [entry.code, entry.actor?.id, entry.fields])).toEqual([
      ['Forbidden', 'clerk-1', undefined],
      ['Forbidden', 'clerk-2', undefined],
      ['Forbidden', 'clerk-3', undefined],
      ['InvalidCommand', 'clerk-1', ['data.by']],
      ['InvalidCommand', 'clerk-1', ['data.counterId']],
    ]);
  });

  it('keeps no text of the input: not a made-up key, not a value, not a type or id that is no identifier', async () => {
    const { store, router } = setup();
    const secret = '王芳 13800000000';
    await router.handle({ type: secret, data: {}, metadata: {} });
    await router.handle({ type: 'Increment', data: { counterId: 'c1', by: 1, [secret]: secret }, metadata: { commandId: secret, actor: { id: secret, role: 'Clerk' }, at: '2026-03-02T09:00:00+08:00' } });
    await router.handle(counterCommand('Increment', { counterId: 'c1', by: secret }, 'cmd-1'));
    const securityLog = createSecurityLog({ store });
    await securityLog.onRefused({ error: { code: 'InvalidCommand', message: `line 3 is not JSON: "${secret}"`, issues: [{ path: '', message: secret }] } as never, command: undefined, position: 'line 3' });
    const log = await collect(store.readAll());
    const stored = E.isRight(log) ? log.right : [];
    expect(stored.length).toBe(4);
    for (const event of stored) {
      const text = JSON.stringify({ data: event.data, metadata: event.metadata });
      expect(text).not.toContain('王芳');
      expect(text).not.toContain('13800000000');
    }
    expect(stored.map((event) => CommandRefused.parse(event.data).position)).toContain('line 3');
  });
});
