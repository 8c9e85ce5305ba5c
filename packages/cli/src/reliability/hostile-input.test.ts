import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainError, InvalidCommand } from '@aftersales/core';
import { InMemoryEventStore, SECURITY_LOG_PREFIX, createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { HostileCommand } from './hostile.js';
import { hostileArbitrary, validCommands } from './hostile.js';
import { readAllEvents } from './support.js';

const valid = validCommands();
const tried: Record<string, number> = {};
afterAll(() => {
  console.info(`hostile input, in process: ${Object.values(tried).reduce((sum, n) => sum + n, 0)} commands tried ${JSON.stringify(tried)}`);
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

describe('hostile commands through the department', () => {
  it('each gets a typed error naming the problem, nothing reaches an aggregate stream, and the refusal is in the security log', async () => {
    const store = new InMemoryEventStore();
    const department = createDepartment({ store, onRefused: createSecurityLog({ store, clock: () => new Date('2026-03-02T00:00:00Z') }).onRefused });
    const refusedIds = new Set<string>();
    await fc.assert(
      fc.asyncProperty(hostileArbitrary(valid), async (hostile) => {
        tried[hostile.mutation.kind] = (tried[hostile.mutation.kind] ?? 0) + 1;
        const result = await department.handle(hostile.command);
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
