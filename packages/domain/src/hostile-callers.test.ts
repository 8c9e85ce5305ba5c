import type { RecordedEvent } from '@aftersales/core';
import { CommandRefused, InMemoryEventStore, SECURITY_LOG_PREFIX, collect, createSecurityLog, refusedStreamOf } from '@aftersales/core';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { ledgerWork } from './budget/index.js';
import type { BudgetState } from './budget/index.js';
import { budget } from './budget/index.js';
import { createDepartment } from './department.js';
import { simulateYear } from './simulation/index.js';
import type { DepartmentCommandJson } from './simulation/index.js';

/*
 * Hostile and careless callers, through the whole pipeline (`createDepartment` over a store with the
 * security log): every attempt is refused with the right code, appends nothing to an aggregate's
 * stream, leaves exactly one security-log entry per distinct attempt, puts no personal data in that
 * log, and never throws.
 */

type Json = Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A simulated year, and one valid command of each type from it. */
const year: readonly DepartmentCommandJson[] = [...simulateYear({ seed: 5, orders: 12 })];

/** The personal data of the simulated year: what the security log must never hold. */
const personalData: readonly string[] = year.flatMap((command) => {
  const customer = (command.data as { customer?: { name: string; phone: string } }).customer;
  return customer === undefined ? [] : [customer.name, customer.phone];
});
const firstOfEachType: readonly Json[] = [...new Map(year.map((command) => [command.type, command as unknown as Json])).values()];

const setup = () => {
  const store = new InMemoryEventStore();
  const department = createDepartment({ store, onRefused: createSecurityLog({ store, clock: () => new Date('2026-03-02T00:00:00Z') }).onRefused });
  const all = async (): Promise<RecordedEvent[]> => {
    const read = await collect(store.readAll());
    return E.isRight(read) ? read.right : [];
  };
  const aggregateEvents = async () =>
    (await all()).filter((event) => !event.streamId.startsWith(SECURITY_LOG_PREFIX) && refusedStreamOf(event.streamId) === undefined);
  const securityLog = async () => (await all()).filter((event) => event.streamId.startsWith(SECURITY_LOG_PREFIX));
  return { store, department, aggregateEvents, securityLog };
};

/** The security log holds no customer name, no phone number and none of the hostile text that was sent. */
const expectNoPersonalData = (entries: readonly RecordedEvent[], hostileTexts: readonly string[]) => {
  for (const entry of entries) {
    const text = JSON.stringify({ data: entry.data, metadata: entry.metadata });
    for (const personal of personalData) expect(text).not.toContain(personal);
    for (const hostile of hostileTexts) expect(text).not.toContain(hostile);
    expect(CommandRefused.safeParse(entry.data).success).toBe(true);
  }
};

type Path = readonly (string | number)[];

/** Every string in a command with its path. */
const strings = (value: unknown, path: Path = []): { path: Path; value: string }[] => {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, [...path, index]));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([key, item]) => strings(item, [...path, key]));
  return [];
};

const FREE_TEXT = new Set(['name', 'garment', 'requirements', 'reason', 'opinion', 'title', 'clauses', 'defects', 'findings', 'description', 'detail', 'comments', 'receivedBy']);
const fieldName = (path: Path): string => String([...path].reverse().find((segment) => typeof segment === 'string'));
const isIdentifier = (path: Path): boolean => {
  const name = fieldName(path);
  return path[0] === 'metadata' ? name === 'commandId' || (path[1] === 'actor' && name === 'id') : name.endsWith('Id') || name === 'endpointIds' || name === 'attendees';
};
const isFreeText = (path: Path): boolean => path[0] === 'data' && FREE_TEXT.has(fieldName(path));

const setAt = (root: Json, path: Path, value: string): void => {
  let parent = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = value;
};

/** Ways to make an id look like another: each leaves something that renders (nearly) the same. */
const LOOK_ALIKES: readonly ((id: string) => string)[] = [
  (id) => `${id} `,
  (id) => ` ${id}`,
  (id) => `${id}\u200B`,
  (id) => `\u202E${id}`,
  (id) => `${id}\u00A0`,
  (id) => id.replace(/O/, 'О').replace(/^[A-Z]/, (letter) => String.fromCharCode(letter.charCodeAt(0) + 0xfee0)),
  (id) => `${id}\u001b[2K`,
  (id) => `${id}\r`,
];

/** Control and invisible characters that free text may not hold. */
const HOSTILE_IN_TEXT = ['\u001b[2J', '\r', '\u0000', '\u0007', '\u200B', '\u200D', '\u202E', '\u2066', '\uFEFF', '\u2028', '\u0085'];

interface Hostile {
  readonly command: Json;
  readonly field: string;
  readonly inserted: string;
}

const hostileArbitrary: fc.Arbitrary<Hostile> = fc
  .tuple(fc.nat(firstOfEachType.length - 1), fc.nat(200), fc.boolean(), fc.nat(LOOK_ALIKES.length - 1), fc.nat(HOSTILE_IN_TEXT.length - 1))
  .map(([commandIndex, placeIndex, inId, lookAlike, textIndex]) => {
    const command = clone(firstOfEachType[commandIndex]!);
    // Free text is trimmed, so a character is put inside the text, never at an end.
    const places = strings(command).filter(({ path, value }) => (inId ? isIdentifier(path) : isFreeText(path) && value.trim().length >= 2));
    const place = places[placeIndex % Math.max(1, places.length)];
    if (place === undefined) return undefined;
    const changed = inId ? LOOK_ALIKES[lookAlike]!(place.value) : `${place.value.slice(0, 1)}${HOSTILE_IN_TEXT[textIndex]}${place.value.slice(1)}`;
    if (changed === place.value) return undefined;
    setAt(command, place.path, changed);
    return { command, field: place.path.join('.'), inserted: changed };
  })
  .filter((hostile): hostile is Hostile => hostile !== undefined);

describe('hostile and careless callers, through the whole pipeline', () => {
  it('property: look-alike ids and control or invisible characters are InvalidCommand naming the field, append nothing, and are logged once per distinct attempt without the text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileArbitrary, { minLength: 1, maxLength: 6 }), async (attempts) => {
        const { department, aggregateEvents, securityLog } = setup();
        const distinct = new Set<string>();
        for (const [index, { command, field }] of attempts.entries()) {
          const metadata = command['metadata'] as Json;
          // A fresh id per attempt, unless the id is the field under attack.
          if (field !== 'metadata.commandId') metadata['commandId'] = `hostile-${index}`;
          const actor = metadata['actor'] as Json;
          distinct.add(JSON.stringify([command['type'], field === 'metadata.commandId' ? null : metadata['commandId'], field === 'metadata.actor.id' ? null : actor['id'], field]));
          for (let sent = 0; sent < 2; sent += 1) {
            const result = await department.handleUntrusted(command);
            expect(E.isLeft(result) && result.left.code).toBe('InvalidCommand');
            if (E.isLeft(result) && 'issues' in result.left) {
              expect((result.left.issues as readonly { path: string }[]).map((issue) => issue.path)).toContain(field);
            }
          }
        }
        expect(await aggregateEvents()).toEqual([]);
        const log = await securityLog();
        expect(log).toHaveLength(distinct.size);
        expectNoPersonalData(log, attempts.map((attempt) => attempt.inserted));
      }),
      { numRuns: 60 },
    );
  });

  /** One order's commands from the simulated year, all accepted into a fresh store. */
  const orderHistory = async () => {
    const context = setup();
    const streamOf = (command: DepartmentCommandJson) => `RepairOrder-${String((command.data as Json)['orderId'])}`;
    const first = year.find((command) => command.type === 'ReceiveRepairOrder')!;
    const commands = year.filter((command) => streamOf(command) === streamOf(first) && command.type !== 'CancelRepairOrder');
    const accepted: DepartmentCommandJson[] = [];
    for (const command of commands) if (E.isRight(await context.department.handleUntrusted(command))) accepted.push(command);
    return { ...context, accepted, streamId: streamOf(first) };
  };

  it('property: a reused command id with another type, data or actor is IdempotencyConflict, the stream unchanged and one log entry per distinct attempt', async () => {
    const history = await orderHistory();
    expect(history.accepted.length).toBeGreaterThan(5);
    const before = await history.aggregateEvents();
    const logged = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(history.accepted.length - 1),
        fc.nat(history.accepted.length - 1),
        fc.constantFrom('type', 'data', 'actor'),
        async (original, other, change) => {
          const reused = clone(history.accepted[original]!) as unknown as Json;
          const donor = clone(history.accepted[other]!) as unknown as Json;
          // Another command of the stream, sent under this command's id (with its own actor, so that its role may send it).
          if (change === 'type') {
            Object.assign(reused, { type: donor['type'], data: donor['data'] });
            (reused['metadata'] as Json)['actor'] = (donor['metadata'] as Json)['actor'];
          }
          if (change === 'data') {
            // Another text in a free-text field, or the other answer to a yes/no field: still a valid command.
            const text = strings(reused['data']).find(({ path }) => isFreeText(['data', ...path]));
            const data = reused['data'] as Json;
            const flag = Object.keys(data).find((key) => typeof data[key] === 'boolean');
            if (text !== undefined) setAt(reused, ['data', ...text.path], `${text.value} 改`);
            else if (flag !== undefined) data[flag] = !data[flag];
          }
          // Another person in the same role: a different actor the role check alone does not refuse.
          if (change === 'actor') {
            const metadata = reused['metadata'] as { actor: { id: string; role: string } };
            metadata.actor = { id: `${metadata.actor.id}-other`, role: metadata.actor.role };
          }
          if (JSON.stringify(reused) === JSON.stringify(history.accepted[original])) return;
          // A change that makes the command invalid is refused as invalid before its id is looked at: not this property's case.
          if (!history.department.definitionFor(String(reused['type']))!.commandSchema.safeParse(reused).success) return;
          const result = await history.department.handleUntrusted(reused);
          if (E.isRight(result)) {
            // Only the very same command may be answered as a duplicate.
            expect(result.right.duplicate).toBe(true);
            expect(JSON.stringify({ ...reused, metadata: undefined })).toBe(JSON.stringify({ ...history.accepted[original], metadata: undefined }));
            return;
          }
          expect(result.left.code).toBe('IdempotencyConflict');
          const metadata = reused['metadata'] as { commandId: string; actor: { id: string } };
          logged.add(JSON.stringify([reused['type'], metadata.commandId, metadata.actor.id]));
          expect(await history.aggregateEvents()).toEqual(before);
          const log = await history.securityLog();
          expect(log.filter((entry) => (entry.data as CommandRefused).code === 'IdempotencyConflict')).toHaveLength(logged.size);
          expectNoPersonalData(log, []);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('property: a command whose business time runs backwards in its stream is InvalidTransition and appends nothing; one outside 2000–2099 is InvalidCommand', async () => {
    const history = await orderHistory();
    const before = await history.aggregateEvents();
    const lastAt = Date.parse(before.at(-1)!.metadata.occurredAt);
    const next = year.find((command) => command.type === 'CloseRepairOrder' && `RepairOrder-${String((command.data as Json)['orderId'])}` === history.streamId);
    const probe = clone((next ?? history.accepted.at(-1)!) as unknown as Json);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5 * 365 * 24 * 60 }), fc.nat(1_000_000), async (minutesBack, id) => {
        const command = clone(probe);
        const metadata = command['metadata'] as Json;
        metadata['commandId'] = `back-${id}`;
        metadata['at'] = new Date(lastAt - minutesBack * 60_000).toISOString();
        const result = await history.department.handleUntrusted(command);
        const expected = Date.parse(metadata['at'] as string) < Date.UTC(2000, 0, 1) ? 'InvalidCommand' : 'InvalidTransition';
        expect(E.isLeft(result) && result.left.code).toBe(expected);
        expect(await history.aggregateEvents()).toEqual(before);
      }),
      { numRuns: 60 },
    );
    for (const at of ['1999-12-31T23:59:59+08:00', '2100-01-01T00:00:00Z', '9999-03-02T09:00:00Z', '0001-03-02T09:00:00Z']) {
      const command = clone(probe);
      Object.assign(command['metadata'] as Json, { at, commandId: `range-${at.slice(0, 4)}` });
      const result = await history.department.handleUntrusted(command);
      expect(E.isLeft(result) && result.left).toMatchObject({ code: 'InvalidCommand', issues: [expect.objectContaining({ path: 'metadata.at' })] });
    }
    expect(await history.aggregateEvents()).toEqual(before);
  });

  it('property: a flood of claims is taken one by one, each claim is decided, and replaying the budget copies no claim', async () => {
    const setupBudget = (budgetId: string) => {
      const manager = { id: 'DM-01', role: 'DepartmentManager' };
      const command = (type: string, data: Json, commandId: string, actor: Json) => ({
        type,
        data: { budgetId, ...data },
        metadata: { commandId, actor, at: '2026-03-02T09:00:00+08:00' },
      });
      return {
        command,
        active: [
          command('DraftBudget', { fiscalYear: 2026, lines: [{ category: 'materials', amount: 1_000_000 }] }, 'draft', manager),
          command('SubmitBudget', {}, 'submit', manager),
          command('ReviewBudget', { approved: true, comments: '' }, 'review', { id: 'FIN-01', role: 'Finance' }),
          command('ApproveBudget', {}, 'approve', { id: 'GM-01', role: 'GeneralManager' }),
        ],
      };
    };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 4 }), async (claims, approveEvery) => {
        const { store, department } = setup();
        const { command, active } = setupBudget('FLOOD');
        for (const step of active) expect(E.isRight(await department.handleUntrusted(step))).toBe(true);
        for (let n = 1; n <= claims; n += 1) {
          const claimant = n % 2 === 0 ? { id: 'DM-02', role: 'DepartmentManager' } : { id: `SP-${n % 7}`, role: 'AfterSalesSpecialist' };
          const claim = await department.handleUntrusted(command('ClaimExpense', { expenseId: `EX-${n}`, category: 'materials', amount: 1, description: '线' }, `claim-${n}`, claimant));
          expect(E.isRight(claim)).toBe(true);
          if (n % approveEvery === 0) {
            const decider = claimant.role === 'DepartmentManager' ? { id: 'GM-01', role: 'GeneralManager' } : { id: 'DM-01', role: 'DepartmentManager' };
            expect(E.isRight(await department.handleUntrusted(command('ApproveExpense', { expenseId: `EX-${n}` }, `approve-${n}`, decider)))).toBe(true);
          }
        }
        const loaded = await createDepartment({ store, cachedStreams: 0 }).handler.load<BudgetState>(budget, 'Budget-FLOOD');
        const state = E.isRight(loaded) ? loaded.right.state : undefined;
        expect(state?.status).toBe('Active');
        if (state?.status === 'Active') {
          expect(ledgerWork(state.expenses)).toEqual({ entries: claims + Math.floor(claims / approveEvery), copied: 0 });
          expect(state.lines[0]?.approvedSpend).toBe(Math.floor(claims / approveEvery));
        }
      }),
      { numRuns: 8 },
    );
  }, 60_000);
});
