import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStateMachine, rawCommand } from '../testing/state-machine.js';
import type { AssignmentCommand } from './index.js';
import { assignment, assignmentEventTypes } from './index.js';

const text = fc.oneof({ arbitrary: fc.constant('汇总数据'), weight: 8 }, { arbitrary: fc.constant(''), weight: 1 });
const generalManagers = fc.constantFrom({ id: 'GM-1', role: 'GeneralManager' }, { id: 'GM-1', role: 'GeneralManager' }, { id: 'GM-2', role: 'GeneralManager' });

const command: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(
      fc.record({
        type: fc.constant('DelegateTask'),
        data: fc.record({ title: text, detail: text, dueBy: fc.constantFrom('2026-03-20T18:00:00+08:00', '2026-02-01T00:00:00Z') }),
      }),
      fc.record({ type: fc.constant('ReportTaskResult'), data: fc.record({ result: text }) }),
      fc.record({ type: fc.constant('WithdrawTask'), data: fc.record({ reason: text }) }),
    ),
    generalManagers,
    fc.nat({ max: 1_000_000 }),
  )
  .map(([{ type, data }, generalManager, id]) => {
    const actor = type === 'ReportTaskResult' ? { id: 'DM-1', role: 'DepartmentManager' } : generalManager;
    return rawCommand(type, { taskId: 'TASK-1', ...data }, actor, { commandId: `c-${id}` });
  });

describe('Assignment properties', () => {
  it('any command sequence keeps the rules: delegated once, then reported or withdrawn by its delegator, once', () => {
    checkStateMachine({
      definition: assignment,
      commands: fc.array(command, { maxLength: 8, size: 'max' }),
      eventTypes: assignmentEventTypes,
      allowedEvents: { DelegateTask: [['TaskDelegated']], ReportTaskResult: [['TaskResultReported']], WithdrawTask: [['TaskWithdrawn']] },
      accepted: (before, accepted: AssignmentCommand) => {
        if (accepted.type === 'DelegateTask') expect(before.status).toBe('New');
        else expect(before.status).toBe('Delegated');
        if (accepted.type === 'WithdrawTask') expect(before.status === 'Delegated' && before.delegatedBy).toBe(accepted.metadata.actor.id);
      },
    });
  });
});
