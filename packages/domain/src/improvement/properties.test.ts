import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStateMachine, rawCommand } from '../testing/state-machine.js';
import type { ImprovementCommand } from './index.js';
import { improvement, improvementEventTypes } from './index.js';

const manager = { id: 'DM-1', role: 'DepartmentManager' };
const departments = ['Production', 'Design'] as const;
const anyone = fc.record({
  id: fc.constantFrom('DM-1', 'EP-01', ...departments),
  role: fc.constantFrom('DepartmentManager', 'BusinessEndpoint', 'Department', 'GeneralManager', 'Auditor'),
});
const text = fc.oneof({ arbitrary: fc.constantFrom('线迹不齐', '已返工'), weight: 8 }, { arbitrary: fc.constant(''), weight: 1 });

const command: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(
      fc.record({
        type: fc.constant('RaiseIssue'),
        data: fc.record({
          source: fc.constantFrom('feedback', 'vipOpinion', 'complaint', 'inspection'),
          category: fc.constantFrom('quality', 'timeliness', 'service', 'process', 'other'),
          description: text,
          responsibleDepartment: fc.constantFrom(...departments),
          dueBy: fc.constantFrom('2026-03-31T18:00:00+08:00', '2026-02-01T00:00:00Z'),
        }),
      }),
      fc.record({ type: fc.constant('RecordImprovement'), data: fc.record({ action: text }) }),
      fc.record({ type: fc.constant('VerifyImprovement'), data: fc.record({ effective: fc.boolean(), note: text }) }),
      fc.record({ type: fc.constant('CancelIssue'), data: fc.record({ reason: text }) }),
    ),
    fc.integer({ min: 0, max: 5 }),
    anyone,
    fc.constantFrom(...departments),
    fc.nat({ max: 1_000_000 }),
  )
  .map(([{ type, data }, dice, someone, department, id]) => {
    // Mostly the proper sender, so that histories get somewhere; now and then anyone at all.
    const proper = type === 'RecordImprovement' && dice > 2 ? { id: department, role: 'Department' } : manager;
    return rawCommand(type, { issueId: 'ISS-1', ...data }, dice === 0 ? someone : proper, { commandId: `c-${id}` });
  });

describe('Improvement properties', () => {
  it('any command sequence keeps the rules: raise once, record while open, verify a record, never act after closing or cancelling', () => {
    checkStateMachine({
      definition: improvement,
      commands: fc.array(command, { maxLength: 12, size: 'max' }),
      eventTypes: improvementEventTypes,
      allowedEvents: {
        RaiseIssue: [['IssueRaised']],
        RecordImprovement: [['ImprovementRecorded']],
        VerifyImprovement: [['ImprovementVerified']],
        CancelIssue: [['IssueCancelled']],
      },
      accepted: (before, accepted: ImprovementCommand) => {
        expect(before.status === 'Closed' || before.status === 'Cancelled').toBe(false);
        if (accepted.type === 'RaiseIssue') expect(before.status).toBe('New');
        if (accepted.type === 'RecordImprovement') {
          expect(before.status).toBe('Open');
          if (accepted.metadata.actor.role === 'Department' && before.status === 'Open') {
            expect(accepted.metadata.actor.id).toBe(before.responsibleDepartment);
          }
        }
        if (accepted.type === 'VerifyImprovement') expect(before.status).toBe('ImprovementRecorded');
      },
    });
  });
});
