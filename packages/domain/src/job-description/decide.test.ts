import { specify } from '@aftersales/core/testing';
import { describe, it } from 'vitest';
import type { JobDescriptionEvent } from './index.js';
import { jobDescription } from './index.js';
import { jobDescriptionCommand as command, positionId } from '../testing/job-description.js';

const spec = specify(jobDescription);
const generalManager = { id: 'GM-1', role: 'GeneralManager' };
const hr = { id: 'HR', role: 'Department' };
const specialist = (id: string) => ({ id, role: 'AfterSalesSpecialist' });

const duties = ['按排期完成修复', '修复后自检并交检验'];
const events = {
  drafted: (version: number): JobDescriptionEvent => ({ type: 'JobDescriptionDrafted', data: { positionId, version, duties } }),
  submitted: (version: number): JobDescriptionEvent => ({ type: 'JobDescriptionSubmitted', data: { positionId, version } }),
  approved: (version: number): JobDescriptionEvent => ({ type: 'JobDescriptionApproved', data: { positionId, version } }),
  rejected: (version: number): JobDescriptionEvent => ({ type: 'JobDescriptionRejected', data: { positionId, version, reason: '职责不全' } }),
  explained: (version: number, employeeIds: string[]): JobDescriptionEvent => ({ type: 'JobDescriptionExplained', data: { positionId, version, employeeIds } }),
  confirmed: (version: number, employeeId: string): JobDescriptionEvent => ({ type: 'JobDescriptionConfirmed', data: { positionId, version, employeeId } }),
  filed: (version: number): JobDescriptionEvent => ({ type: 'JobDescriptionFiled', data: { positionId, version } }),
};
const approvedV1 = [events.drafted(1), events.submitted(1), events.approved(1)];
const explainedV1 = [...approvedV1, events.explained(1, ['SP-7', 'SP-8'])];
const approvedV2 = [...explainedV1, events.drafted(2), events.submitted(2), events.approved(2)];

describe('DraftJobDescription', () => {
  it('drafts version 1, and rewrites a draft', () => {
    spec.given([]).when(command('DraftJobDescription', { version: 1, duties })).then([events.drafted(1)]);
    spec.given([events.drafted(1)]).when(command('DraftJobDescription', { version: 1, duties })).then([events.drafted(1)]);
  });

  it('drafts a rejected version again under its number, and the next one after an approved version', () => {
    spec.given([events.drafted(1), events.submitted(1), events.rejected(1)]).when(command('DraftJobDescription', { version: 1, duties })).then([events.drafted(1)]);
    spec.given(approvedV1).when(command('DraftJobDescription', { version: 2, duties })).then([events.drafted(2)]);
  });

  it('refuses any other version', () => {
    spec.given([]).when(command('DraftJobDescription', { version: 2, duties })).thenRefused('InvalidTransition', 'expects v1');
    spec.given(approvedV1).when(command('DraftJobDescription', { version: 1, duties })).thenRefused('InvalidTransition', 'expects v2 (the one after the last approved), not v1');
    spec.given([events.drafted(1), events.submitted(1), events.rejected(1)]).when(command('DraftJobDescription', { version: 2, duties })).thenRefused('InvalidTransition', 'expects v1');
  });

  it('refuses rewriting a version waiting for approval', () => {
    spec.given([events.drafted(1), events.submitted(1)]).when(command('DraftJobDescription', { version: 1, duties })).thenRefused('InvalidTransition', 'v1 is Submitted');
  });

  it('refuses no duties, a blank duty and a version that is not a whole number from 1', () => {
    spec.given([]).when(command('DraftJobDescription', { version: 1, duties: [] })).thenRefused('InvalidCommand', 'at least one duty');
    spec.given([]).when(command('DraftJobDescription', { version: 1, duties: [''] })).thenRefused('InvalidCommand', 'data.duties');
    spec.given([]).when(command('DraftJobDescription', { version: 0, duties })).thenRefused('InvalidCommand', 'data.version');
  });

  it('refuses the general manager writing it', () => {
    spec.given([]).when(command('DraftJobDescription', { version: 1, duties }, generalManager)).thenRefused('Forbidden');
  });
});

describe('SubmitJobDescription, ApproveJobDescription and RejectJobDescription', () => {
  it('submits a draft, and the general manager approves or rejects it', () => {
    spec.given([events.drafted(1)]).when(command('SubmitJobDescription', { version: 1 })).then([events.submitted(1)]);
    spec.given([events.drafted(1), events.submitted(1)]).when(command('ApproveJobDescription', { version: 1 }, generalManager)).then([events.approved(1)]);
    spec.given([events.drafted(1), events.submitted(1)]).when(command('RejectJobDescription', { version: 1, reason: '职责不全' }, generalManager)).then([events.rejected(1)]);
  });

  it('refuses each out of turn', () => {
    spec.given(approvedV1).when(command('SubmitJobDescription', { version: 1 })).thenRefused('InvalidTransition', 'v1 is Approved; expected Draft');
    spec.given([events.drafted(1)]).when(command('ApproveJobDescription', { version: 1 }, generalManager)).thenRefused('InvalidTransition', 'v1 is Draft; expected Submitted');
    spec.given(approvedV1).when(command('RejectJobDescription', { version: 1, reason: '职责不全' }, generalManager)).thenRefused('InvalidTransition', 'expected Submitted');
    spec.given([]).when(command('SubmitJobDescription', { version: 1 })).thenRefused('InvalidTransition', 'has no job description yet');
    spec.given([events.drafted(1)]).when(command('SubmitJobDescription', { version: 3 })).thenRefused('InvalidTransition', 'has no version 3');
  });

  it('refuses the manager approving their own draft, and a rejection without a reason', () => {
    spec.given([events.drafted(1), events.submitted(1)]).when(command('ApproveJobDescription', { version: 1 })).thenRefused('Forbidden', 'role DepartmentManager');
    spec.given([events.drafted(1), events.submitted(1)]).when(command('RejectJobDescription', { version: 1, reason: '' }, generalManager)).thenRefused('InvalidCommand', 'data.reason');
  });
});

describe('ExplainJobDescription', () => {
  it('explains the approved version to employees, and later to others', () => {
    spec.given(approvedV1).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-7', 'SP-8'] })).then([events.explained(1, ['SP-7', 'SP-8'])]);
    spec.given(explainedV1).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-9'] })).then([events.explained(1, ['SP-9'])]);
  });

  it('refuses explaining it twice to the same employee', () => {
    spec.given(explainedV1).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-9', 'SP-8'] })).thenRefused('InvalidTransition', 'already explained to SP-8');
  });

  it('refuses a version not approved, or replaced by a newer approved version', () => {
    spec.given([events.drafted(1), events.submitted(1)]).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-7'] })).thenRefused('InvalidTransition', 'expected Approved');
    spec.given(approvedV2).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-9'] })).thenRefused('InvalidTransition', 'was replaced by v2');
  });

  it('refuses no employees or the same one twice', () => {
    spec.given(approvedV1).when(command('ExplainJobDescription', { version: 1, employeeIds: [] })).thenRefused('InvalidCommand', 'at least one employee');
    spec.given(approvedV1).when(command('ExplainJobDescription', { version: 1, employeeIds: ['SP-7', 'SP-7'] })).thenRefused('InvalidCommand', 'data.employeeIds');
  });
});

describe('ConfirmJobDescription', () => {
  it('lets an employee confirm the version explained to them', () => {
    spec.given(explainedV1).when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-7' }, specialist('SP-7'))).then([events.confirmed(1, 'SP-7')]);
  });

  it('lets them confirm an older version explained to them after a newer one is approved', () => {
    spec.given(approvedV2).when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-8' }, specialist('SP-8'))).then([events.confirmed(1, 'SP-8')]);
  });

  it('refuses confirming for someone else', () => {
    spec
      .given(explainedV1)
      .when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-7' }, specialist('SP-8')))
      .thenRefused('Forbidden', 'SP-8 may confirm a job description only for themselves, not for SP-7');
    spec.given(explainedV1).when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-7' })).thenRefused('Forbidden', 'role DepartmentManager');
  });

  it('refuses a version not explained to them, and a second confirmation', () => {
    spec.given(explainedV1).when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-9' }, specialist('SP-9'))).thenRefused('InvalidTransition', 'has not been explained to SP-9');
    spec
      .given([...explainedV1, events.confirmed(1, 'SP-7')])
      .when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-7' }, specialist('SP-7')))
      .thenRefused('InvalidTransition', 'SP-7 has already confirmed');
    spec.given([events.drafted(1)]).when(command('ConfirmJobDescription', { version: 1, employeeId: 'SP-7' }, specialist('SP-7'))).thenRefused('InvalidTransition', 'is Draft; expected Approved');
  });
});

describe('FileJobDescription', () => {
  it('lets HR file an approved version', () => {
    spec.given(approvedV1).when(command('FileJobDescription', { version: 1 }, hr)).then([events.filed(1)]);
  });

  it('refuses any other department, and the department manager', () => {
    spec.given(approvedV1).when(command('FileJobDescription', { version: 1 }, { id: 'Production', role: 'Department' })).thenRefused('Forbidden', 'filed by HR, not by department Production');
    spec.given(approvedV1).when(command('FileJobDescription', { version: 1 })).thenRefused('Forbidden', 'role DepartmentManager');
  });

  it('refuses filing twice, or a version not approved', () => {
    spec.given([...approvedV1, events.filed(1)]).when(command('FileJobDescription', { version: 1 }, hr)).thenRefused('InvalidTransition', 'already filed');
    spec.given([events.drafted(1), events.submitted(1)]).when(command('FileJobDescription', { version: 1 }, hr)).thenRefused('InvalidTransition', 'expected Approved');
  });
});
