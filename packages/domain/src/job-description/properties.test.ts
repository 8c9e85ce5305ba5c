import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStateMachine, rawCommand } from '../testing/state-machine.js';
import type { JobDescriptionCommand, JobDescriptionState } from './index.js';
import { jobDescription, jobDescriptionEventTypes } from './index.js';

const employees = ['SP-7', 'SP-8'] as const;
const version = fc.oneof({ arbitrary: fc.constant(1), weight: 8 }, { arbitrary: fc.constant(2), weight: 3 }, { arbitrary: fc.constant(3), weight: 1 });

const command: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(
      { arbitrary: fc.record({ type: fc.constant('DraftJobDescription'), data: fc.record({ version, duties: fc.constant(['按排期完成修复']) }) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant('SubmitJobDescription'), data: fc.record({ version }) }), weight: 3 },
      { arbitrary: fc.record({ type: fc.constant('ApproveJobDescription'), data: fc.record({ version }) }), weight: 2 },
      { arbitrary: fc.record({ type: fc.constant('RejectJobDescription'), data: fc.record({ version, reason: fc.constant('职责不全') }) }), weight: 2 },
      {
        arbitrary: fc.record({
          type: fc.constant('ExplainJobDescription'),
          data: fc.record({ version, employeeIds: fc.uniqueArray(fc.constantFrom(...employees), { minLength: 1 }) }),
        }),
        weight: 3,
      },
      { arbitrary: fc.record({ type: fc.constant('ConfirmJobDescription'), data: fc.record({ version, employeeId: fc.constantFrom(...employees) }) }), weight: 4 },
      { arbitrary: fc.record({ type: fc.constant('FileJobDescription'), data: fc.record({ version }) }), weight: 2 },
    ),
    fc.constantFrom(...employees),
    fc.constantFrom('HR', 'HR', 'Production'),
    fc.nat({ max: 1_000_000 }),
  )
  .map(([{ type, data }, specialist, department, id]) => {
    const actor =
      type === 'ApproveJobDescription' || type === 'RejectJobDescription'
        ? { id: 'GM-1', role: 'GeneralManager' }
        : type === 'ConfirmJobDescription'
          ? { id: specialist, role: 'AfterSalesSpecialist' }
          : type === 'FileJobDescription'
            ? { id: department, role: 'Department' }
            : { id: 'DM-1', role: 'DepartmentManager' };
    return rawCommand(type, { positionId: 'AfterSalesSpecialist', ...data }, actor, { commandId: `c-${id}` });
  });

/** Starting points further along the way, so that approving, rejecting, explaining and confirming all get exercised. */
const submitV1: readonly unknown[] = [
  rawCommand('DraftJobDescription', { positionId: 'AfterSalesSpecialist', version: 1, duties: ['按排期完成修复'] }, { id: 'DM-1', role: 'DepartmentManager' }, { commandId: 'p-1' }),
  rawCommand('SubmitJobDescription', { positionId: 'AfterSalesSpecialist', version: 1 }, { id: 'DM-1', role: 'DepartmentManager' }, { commandId: 'p-2' }),
];
const approveV1: readonly unknown[] = [
  ...submitV1,
  rawCommand('ApproveJobDescription', { positionId: 'AfterSalesSpecialist', version: 1 }, { id: 'GM-1', role: 'GeneralManager' }, { commandId: 'p-3' }),
];

const explainV1: readonly unknown[] = [
  ...approveV1,
  rawCommand('ExplainJobDescription', { positionId: 'AfterSalesSpecialist', version: 1, employeeIds: [...employees] }, { id: 'DM-1', role: 'DepartmentManager' }, { commandId: 'p-4' }),
];

const versionsOf = (state: JobDescriptionState) => (state.status === 'New' ? [] : state.versions);

describe('JobDescription properties', () => {
  it('any command sequence keeps the rules: versions in order, confirmed only by whom it was explained to, filed once by HR', () => {
    checkStateMachine({
      definition: jobDescription,
      commands: fc
        .tuple(fc.constantFrom([], submitV1, approveV1, explainV1), fc.array(command, { maxLength: 16, size: 'max' }))
        .map(([start, commands]) => [...start, ...commands]),
      eventTypes: jobDescriptionEventTypes,
      numRuns: 120,
      allowedEvents: {
        DraftJobDescription: [['JobDescriptionDrafted']],
        SubmitJobDescription: [['JobDescriptionSubmitted']],
        ApproveJobDescription: [['JobDescriptionApproved']],
        RejectJobDescription: [['JobDescriptionRejected']],
        ExplainJobDescription: [['JobDescriptionExplained']],
        ConfirmJobDescription: [['JobDescriptionConfirmed']],
        FileJobDescription: [['JobDescriptionFiled']],
      },
      accepted: (before, accepted: JobDescriptionCommand) => {
        const entry = versionsOf(before)[accepted.data.version - 1];
        if (accepted.type === 'ConfirmJobDescription') {
          expect(accepted.metadata.actor.id).toBe(accepted.data.employeeId);
          expect(entry?.status === 'Approved' && entry.explainedTo).toContain(accepted.data.employeeId);
        }
        if (accepted.type === 'FileJobDescription') {
          expect(accepted.metadata.actor.id).toBe('HR');
          expect(entry?.status === 'Approved' && entry.filed).toBe(false);
        }
      },
      invariant: (state) => {
        versionsOf(state).forEach((entry, index) => {
          expect(entry.version).toBe(index + 1);
          // Only the newest version may be anything but approved: a new version is drafted only after the one before is approved.
          if (index < versionsOf(state).length - 1) expect(entry.status).toBe('Approved');
          if (entry.status === 'Approved') {
            expect(new Set(entry.explainedTo).size).toBe(entry.explainedTo.length);
            for (const employeeId of entry.confirmedBy) expect(entry.explainedTo).toContain(employeeId);
          }
        });
      },
    });
  });
});
