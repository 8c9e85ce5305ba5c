import { writeFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainError, InvalidCommand } from '@aftersales/core';
import { INTEGRITY_STREAM, InMemoryEventStore, SECURITY_LOG_PREFIX, createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { HostileCommand } from './hostile.js';
import { hostileArbitrary, validCommands } from './hostile.js';
import { scratchDirectory } from '@aftersales/cli/testing';
import { printedResults, readAllEvents, startAftersales, withSqlite } from './support.js';
import { logProblems } from '@aftersales/core/testing';

const valid = validCommands();
const tried: Record<string, number> = {};
let linesRun = 0;
afterAll(() => {
  console.info(`hostile input: ${Object.values(tried).reduce((sum, n) => sum + n, 0)} commands through the department ${JSON.stringify(tried)}; ${linesRun} lines through aftersales run`);
});

/** Whether a validation issue's path is the place that was made wrong, or the object or array holding it. */
const related = (issuePath: string, path: string): boolean =>
  issuePath === path || issuePath.startsWith(`${path}.`) || path.startsWith(issuePath === '' ? '' : `${issuePath}.`);

/** The refusal says what is wrong and where, in its issues and in its message. */
export const namesTheProblem = (error: DomainError, hostile: HostileCommand): string | undefined => {
  if (error.code === 'Forbidden') {
    // A role that is no role (too long, unknown) is refused by the role check, which names the role and the command.
    return hostile.path === 'metadata.actor.role' && error.message.includes(hostile.type) ? undefined : `Forbidden for a problem at ${hostile.path}: ${error.message}`;
  }
  if (error.code !== 'InvalidCommand') return `${error.code} (${error.message.slice(0, 200)}) where InvalidCommand was expected at ${hostile.path}`;
  const issues = (error as InvalidCommand).issues;
  const issue = issues.find((candidate) => related(candidate.path, hostile.path));
  if (issue === undefined) return `no issue at ${hostile.path}: ${JSON.stringify(issues).slice(0, 300)}`;
  if (!error.message.includes(issue.path)) return `the message does not name ${issue.path}: ${error.message.slice(0, 300)}`;
  const extraKey = hostile.mutation.kind === 'extra' ? hostile.mutation.key : undefined;
  if (extraKey !== undefined && !issues.some((candidate) => candidate.message.includes(extraKey) || candidate.path.endsWith(`.${extraKey}`))) {
    return `the extra key is not named: ${JSON.stringify(issues).slice(0, 300)}`;
  }
  return undefined;
};

/** The same, from the message alone (all `aftersales run` prints): it names the place, its parent, or the extra key. */
const namesTheProblemInMessage = (error: DomainError, hostile: HostileCommand): boolean => {
  if (error.code === 'Forbidden') return hostile.path === 'metadata.actor.role' && error.message.includes(hostile.type);
  if (error.code === 'MalformedLine') return hostile.path.split('.').length <= 1 && error.message.includes(hostile.path);
  if (error.code !== 'InvalidCommand') return false;
  if (hostile.mutation.kind === 'extra' && error.message.includes(hostile.mutation.key)) return true;
  if (hostile.path !== '' && error.message.includes(hostile.path)) return true;
  const named = error.message
    .replace(/^invalid command: /, '')
    .split('; ')
    .map((segment) => segment.slice(0, Math.max(segment.indexOf(': '), 0)))
    .filter((path) => path !== '');
  return named.some((path) => hostile.path.startsWith(`${path}.`));
};

describe('hostile commands through the department', () => {
  it('each gets a typed error naming the problem, nothing reaches an aggregate stream, and the refusal is in the security log', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store, onRefused: createSecurityLog({ store, clock: () => new Date('2026-03-02T00:00:00Z') }).onRefused });
    const refusedIds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileArbitrary(valid), async (hostile) => {
        tried[hostile.mutation.kind] = (tried[hostile.mutation.kind] ?? 0) + 1;
        const result = await department.handleUntrusted(hostile.command);
        expect(E.isLeft(result)).toBe(true);
        if (E.isLeft(result)) expect(namesTheProblem(result.left, hostile)).toBeUndefined();
        const commandId = (hostile.command as { metadata?: { commandId?: unknown } }).metadata?.commandId;
        if (typeof commandId === 'string' && commandId.length > 0 && commandId.length <= 200) refusedIds.add(commandId);
      }),
      { numRuns: 3_000 },
    );
    const stored = await readAllEvents(store);
    expect(stored.filter((event) => !event.streamId.startsWith(SECURITY_LOG_PREFIX))).toEqual([]);
    const logged = new Set(stored.map((event) => event.metadata.commandId));
    expect([...refusedIds].filter((commandId) => !logged.has(commandId))).toEqual([]);
  }, 300_000);
});

/** Lines that are not even JSON commands, as bytes: what a broken exporter, an editor or an attacker could write. */
const rawLines = (): { readonly bytes: Buffer; readonly expect: RegExp }[] => {
  const text = (line: string, expect: RegExp) => ({ bytes: Buffer.from(line, 'utf8'), expect });
  const valid = JSON.stringify(validCommands()[0]);
  return [
    text('{"type":"ClaimExpense","data":{"amount":NaN}}', /not valid JSON/),
    text('{"type":"ClaimExpense","data":{"amount":Infinity}}', /not valid JSON/),
    text(valid.slice(0, valid.length / 2), /not valid JSON/),
    text('[1, 2, 3]', /not a command/),
    text('"ReceiveRepairOrder"', /not a command/),
    text('null', /not a command/),
    text('{"type":42,"data":{},"metadata":{}}', /not a command/),
    text(`${'['.repeat(200_000)}${']'.repeat(200_000)}`, /not a command|not valid JSON/),
    text(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, /not a command|not valid JSON/),
    text(`{"type":"ReceiveRepairOrder","data":{"requirements":"${'x'.repeat(3_000_000)}"},"metadata":{}}`, /requirements|data/),
    // Invalid UTF-8: a lone continuation byte, an overlong encoding, a surrogate, a sequence cut short.
    { bytes: Buffer.concat([Buffer.from('{"type":"ConfirmReceipt","data":{"orderId":"RO-'), Buffer.from([0x80]), Buffer.from('"},"metadata":{"commandId":"u-1","actor":{"id":"DM-01","role":"DepartmentManager"},"at":"2026-03-02T09:00:00+08:00"}}')]), expect: /UTF-8/ },
    { bytes: Buffer.concat([Buffer.from('{"type":"ConfirmReceipt","data":{"orderId":"RO-'), Buffer.from([0xc0, 0xaf]), Buffer.from('"},"metadata":{"commandId":"u-2","actor":{"id":"DM-01","role":"DepartmentManager"},"at":"2026-03-02T09:00:00+08:00"}}')]), expect: /UTF-8/ },
    { bytes: Buffer.concat([Buffer.from('{"type":"ConfirmReceipt","data":{"orderId":"RO-'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"},"metadata":{"commandId":"u-3","actor":{"id":"DM-01","role":"DepartmentManager"},"at":"2026-03-02T09:00:00+08:00"}}')]), expect: /UTF-8/ },
    { bytes: Buffer.concat([Buffer.from('{"type":"ConfirmReceipt","data":{"orderId":"RO-'), Buffer.from([0xe7, 0x95]), Buffer.from('"},"metadata":{"commandId":"u-4","actor":{"id":"DM-01","role":"DepartmentManager"},"at":"2026-03-02T09:00:00+08:00"}}')]), expect: /UTF-8/ },
  ];
};

describe('hostile lines fed to `aftersales run`', () => {
  it('answers each with a typed error naming the problem, appends nothing, does not crash, and runs the valid line after them', { timeout: 180_000 }, async () => {
    const scratch = scratchDirectory();
    try {
      // Nesting too deep for JSON.stringify's own stack is left to the raw lines, which write it by hand.
      const hostile = fc.sample(hostileArbitrary(valid), { numRuns: 500, seed: 20_260_302 }).filter((command) => {
        try {
          JSON.stringify(command.command);
          return true;
        } catch {
          return false;
        }
      });
      const raw = rawLines();
      const receive = valid.find((command) => command['type'] === 'ReceiveRepairOrder')!;
      const lines: Buffer[] = [...hostile.map((command) => Buffer.from(JSON.stringify(command.command), 'utf8')), ...raw.map((line) => line.bytes), Buffer.from(JSON.stringify(receive), 'utf8')];
      const file = scratch.file('hostile.jsonl');
      writeFileSync(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
      linesRun = lines.length;

      const path = scratch.file('hostile.db');
      const run = startAftersales(['run', file, '--store', `sqlite:${path}`]);
      const exit = await run.exited;
      expect(run.stderr()).not.toMatch(/unexpected failure/);
      expect(exit).toEqual({ code: 1, signal: null });
      const results = printedResults(run.stdout());
      expect(results.map((result) => result.line)).toEqual(lines.map((_, index) => index + 1));

      hostile.forEach((command, index) => {
        const result = results[index]!;
        expect(result.ok).toBe(false);
        // JSON has no NaN or Infinity: they arrive as null, a wrong type at the same place.
        expect(namesTheProblemInMessage(result.error!, command), `line ${index + 1}: ${JSON.stringify(result.error).slice(0, 300)} for ${command.mutation.kind} at ${command.path}`).toBe(true);
      });
      raw.forEach((line, index) => {
        const result = results[hostile.length + index]!;
        expect(result.ok).toBe(false);
        expect(result.error?.message, `raw line ${index}`).toMatch(line.expect);
        if (result.error?.code === 'MalformedLine') expect(result.error.message).toContain(`line ${hostile.length + index + 1}`);
      });
      expect(results.at(-1)).toMatchObject({ ok: true, commandId: (receive['metadata'] as { commandId: string }).commandId });

      await withSqlite(path, async (store) => {
        const stored = await readAllEvents(store);
        expect(stored.filter((event) => !event.streamId.startsWith(SECURITY_LOG_PREFIX) && event.streamId !== INTEGRITY_STREAM).map((event) => event.metadata.commandId)).toEqual([
          (receive['metadata'] as { commandId: string }).commandId,
        ]);
        expect(await logProblems(store)).toEqual([]);
      });
    } finally {
      scratch.cleanup();
    }
  });
});
