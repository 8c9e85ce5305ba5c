import type { AnyAggregateDefinition } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { departmentAggregates } from './department.js';

const GM = 'GeneralManager';
const DM = 'DepartmentManager';
const SP = 'AfterSalesSpecialist';
const FIN = 'Finance';
const EP = 'BusinessEndpoint';
const DEP = 'Department';
const roles = [GM, DM, SP, FIN, EP, 'Auditor', DEP] as const;

/** DOMAIN.md's "who" column, copied by hand so that the test does not read the code's own tables. */
const matrix: Record<string, Record<string, readonly string[]>> = {
  RepairOrder: {
    ReceiveRepairOrder: [EP],
    ConfirmReceipt: [DM],
    ScheduleRepair: [DM],
    RescheduleRepair: [DM],
    StartRepair: [SP],
    CompleteRepair: [SP],
    InspectRepair: [DM],
    FinishGarment: [SP],
    InspectFinishing: [DM],
    PackageGarment: [SP],
    ReturnGarment: [SP],
    ConfirmReturn: [EP],
    RecordFeedback: [EP, DM],
    CancelRepairOrder: [EP, DM],
    CloseRepairOrder: [DM],
  },
  ServiceStandard: {
    PlanStandard: [DM],
    DraftStandard: [DM],
    SubmitStandard: [DM],
    ApproveStandard: [GM],
    RejectStandard: [GM],
    PublishStandard: [DM],
    AcknowledgeStandard: [EP],
    RecordTraining: [DM],
    RecordAssessment: [DM],
    InspectCompliance: [DM],
    RetireStandard: [DM],
  },
  Appraisal: {
    PlanAppraisal: [DM],
    ScoreAppraisal: [DM],
    CompleteAppraisal: [DM],
    ProposeRecommendation: [DM],
    DecideRecommendation: [GM],
    AcknowledgeAppraisal: [SP],
  },
  Budget: {
    DraftBudget: [DM],
    SubmitBudget: [DM],
    ReviewBudget: [FIN],
    ApproveBudget: [GM],
    ClaimExpense: [SP, DM],
    // The department manager, or the general manager for a department manager's own claim (checked on the claim).
    ApproveExpense: [DM, GM],
    RejectExpense: [DM, GM],
    AdjustLine: [GM],
    CloseBudget: [FIN],
  },
  Improvement: {
    RaiseIssue: [DM, EP],
    // The department the issue is assigned to (checked on the issue), or the manager for it.
    RecordImprovement: [DEP, DM],
    VerifyImprovement: [DM],
    CancelIssue: [DM],
  },
  Suggestion: {
    ProposeSuggestion: [DM],
    // Only the department it was sent to (checked on the suggestion).
    DecideSuggestion: [DEP],
  },
  Assignment: {
    DelegateTask: [GM],
    ReportTaskResult: [DM],
    // Only the general manager who delegated it (checked on the task).
    WithdrawTask: [GM],
  },
  Employee: {
    JoinDepartment: [DM],
    LeaveDepartment: [DM],
    // Only for themselves (checked on the command).
    RequestLeave: [SP],
    // The department manager up to three days, the general manager beyond (checked on the leave).
    DecideLeave: [DM, GM],
    RecordCare: [DM],
  },
  JobDescription: {
    DraftJobDescription: [DM],
    SubmitJobDescription: [DM],
    ApproveJobDescription: [GM],
    RejectJobDescription: [GM],
    ExplainJobDescription: [DM],
    // Only their own (checked on the command).
    ConfirmJobDescription: [SP],
    // Only HR (checked on the actor's id).
    FileJobDescription: [DEP],
  },
};

describe('the authorization matrix', () => {
  it('covers every aggregate of the department', () => {
    expect(departmentAggregates.map((definition) => definition.name).sort()).toEqual(Object.keys(matrix).sort());
  });

  for (const definition of departmentAggregates as readonly AnyAggregateDefinition[]) {
    const expected = matrix[definition.name] ?? {};

    it(`${definition.name} handles exactly the commands DOMAIN.md lists for it`, () => {
      expect([...definition.commandTypes].sort()).toEqual(Object.keys(expected).sort());
    });

    for (const [type, allowed] of Object.entries(expected)) {
      it.each(roles)(`${definition.name}: ${type} by %s is ${allowed.join('/')} only`, (role) => {
        // `authorize` is the stateless role check: it reads only the type and the actor's role.
        const command = { type, data: {}, metadata: { commandId: 'c-1', actor: { id: 'someone', role }, at: '2026-03-02T09:00:00+08:00' } };
        const decision = definition.authorize(command as never);
        if (allowed.includes(role)) {
          expect(E.isRight(decision)).toBe(true);
        } else {
          expect(E.isLeft(decision) && decision.left.code).toBe('Forbidden');
          expect(E.isLeft(decision) && decision.left.message).toContain(type);
        }
      });
    }
  }
});
