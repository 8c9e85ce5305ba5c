import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import {
  approvedVersion,
  generalManager,
  publishedV1,
  standardClauses,
  standardCommand as command,
  standardEvents as events,
  standardId,
  standardTitle,
} from '../testing/service-standard.js';
import { serviceStandard, standardDraftedV1 } from './index.js';

const spec = specify(serviceStandard);
const draftData = { version: 1, title: standardTitle, clauses: standardClauses };

describe('PlanStandard', () => {
  const due = '2026-03-31T18:00:00+08:00';
  const plan = { version: 1, title: standardTitle, kind: 'rule', dueBy: due };

  it('plans version 1 of a new document, with its kind and due date', () => {
    spec.given([]).when(command('PlanStandard', plan)).then([events.planned(1, due, 'rule')]);
  });

  it('plans the next version after a published one', () => {
    spec.given(publishedV1).when(command('PlanStandard', { ...plan, version: 2 })).then([events.planned(2, due, 'rule')]);
  });

  it('refuses planning a version twice, a version already drafted and a version out of turn', () => {
    spec.given([events.planned(1)]).when(command('PlanStandard', plan)).thenRefused('InvalidTransition', 'v1 is already planned');
    spec.given([events.drafted(1)]).when(command('PlanStandard', plan)).thenRefused('InvalidTransition', 'v1 is Draft');
    spec.given([]).when(command('PlanStandard', { ...plan, version: 2 })).thenRefused('InvalidTransition', 'expected version 1, not v2');
  });

  it('refuses a due date before the plan, an unknown kind and anyone but the department manager', () => {
    spec.given([]).when(command('PlanStandard', { ...plan, dueBy: '2026-03-01T09:00:00+08:00' })).thenRefused('InvalidCommand', 'before it is planned');
    spec.given([]).when(command('PlanStandard', { ...plan, kind: 'policy' })).thenRefused('InvalidCommand', 'data.kind');
    spec.given([]).when(command('PlanStandard', plan, generalManager)).thenRefused('Forbidden');
  });

  it('drafts the planned version with the planned kind, and refuses drafting it as another kind', () => {
    spec.given([events.planned(1)]).when(command('DraftStandard', draftData)).then([events.drafted(1, standardTitle, standardClauses, 'rule')]);
    spec.given([events.planned(1)]).when(command('DraftStandard', { ...draftData, kind: 'tool' })).thenRefused('InvalidCommand', 'planned as a rule, not a tool');
  });

  it('keeps the kind of a document from version to version unless the draft names another', () => {
    const ruleV1 = [events.drafted(1, standardTitle, standardClauses, 'rule'), events.submitted(1), events.approved(1)];
    spec.given(ruleV1).when(command('DraftStandard', { ...draftData, version: 2 })).then([events.drafted(2, standardTitle, standardClauses, 'rule')]);
    spec.given(ruleV1).when(command('DraftStandard', { ...draftData, version: 2, kind: 'process' })).then([events.drafted(2, standardTitle, standardClauses, 'process')]);
  });

  it('reads a draft stored before documents had kinds as a service standard', () => {
    expect(standardDraftedV1.upcast({ standardId, version: 1, title: standardTitle, clauses: standardClauses })).toEqual({
      standardId,
      version: 1,
      title: standardTitle,
      clauses: standardClauses,
      kind: 'standard',
    });
    expect(standardDraftedV1.upcast({ standardId, version: 1, title: standardTitle, clauses: [], kind: 'tool' })).toMatchObject({ kind: 'tool' });
  });
});

describe('DraftStandard', () => {
  it('drafts version 1 of a new standard', () => {
    spec.given([]).when(command('DraftStandard', draftData)).then([events.drafted(1)]);
  });

  it('drafts the next version after the last approved one', () => {
    spec.given(approvedVersion(1)).when(command('DraftStandard', { ...draftData, version: 2 })).then([events.drafted(2)]);
  });

  it('drafts the next version after a rejected one', () => {
    spec
      .given([events.drafted(1), events.submitted(1), events.rejected(1)])
      .when(command('DraftStandard', { ...draftData, version: 2 }))
      .then([events.drafted(2)]);
  });

  it('drafts the next version while an earlier one is published', () => {
    spec.given(publishedV1).when(command('DraftStandard', { ...draftData, version: 2 })).then([events.drafted(2)]);
  });

  it('revises the draft in progress under the same version', () => {
    spec
      .given([events.drafted(1)])
      .when(command('DraftStandard', { ...draftData, title: '门店收衣规范（修订）' }))
      .then([events.drafted(1, '门店收衣规范（修订）')]);
  });

  it('refuses a first version other than 1', () => {
    spec.given([]).when(command('DraftStandard', { ...draftData, version: 2 })).thenRefused('InvalidTransition', 'expected version 1');
  });

  it('refuses a new version while the last one is still submitted', () => {
    spec
      .given([events.drafted(1), events.submitted(1)])
      .when(command('DraftStandard', { ...draftData, version: 2 }))
      .thenRefused('InvalidTransition', `standard ${standardId} v1 is Submitted`);
  });

  it('refuses skipping a version number', () => {
    spec
      .given(approvedVersion(1))
      .when(command('DraftStandard', { ...draftData, version: 3 }))
      .thenRefused('InvalidTransition', 'expected the next version, v2, not v3');
  });

  it('refuses redrafting a version that was already decided', () => {
    spec.given(approvedVersion(1)).when(command('DraftStandard', draftData)).thenRefused('InvalidTransition', 'v2, not v1');
  });

  it('refuses a standard without clauses, naming the field', () => {
    spec.given([]).when(command('DraftStandard', { ...draftData, clauses: [] })).thenRefused('InvalidCommand', 'data.clauses');
  });

  it('refuses an unknown field, a blank title and a fractional version', () => {
    spec.given([]).when(command('DraftStandard', { ...draftData, owner: 'x' })).thenRefused('InvalidCommand', 'owner');
    spec.given([]).when(command('DraftStandard', { ...draftData, title: '  ' })).thenRefused('InvalidCommand', 'data.title');
    spec.given([]).when(command('DraftStandard', { ...draftData, version: 1.5 })).thenRefused('InvalidCommand', 'data.version');
  });

  it('refuses anyone but the department manager', () => {
    spec.given([]).when(command('DraftStandard', draftData, generalManager)).thenRefused('Forbidden', 'GeneralManager');
  });
});

describe('SubmitStandard', () => {
  it('submits a draft', () => {
    spec.given([events.drafted(1)]).when(command('SubmitStandard', { version: 1 })).then([events.submitted(1)]);
  });

  it('refuses a version that is not a draft', () => {
    spec
      .given([events.drafted(1), events.submitted(1)])
      .when(command('SubmitStandard', { version: 1 }))
      .thenRefused('InvalidTransition', `SubmitStandard refused: standard ${standardId} v1 is Submitted; expected Draft`);
  });

  it('refuses a version that does not exist', () => {
    spec.given([events.drafted(1)]).when(command('SubmitStandard', { version: 2 })).thenRefused('InvalidTransition', 'has no version 2');
  });

  it('refuses a standard that was never drafted', () => {
    spec.given([]).when(command('SubmitStandard', { version: 1 })).thenRefused('InvalidTransition', 'does not exist yet');
  });

  it('refuses a specialist', () => {
    spec
      .given([events.drafted(1)])
      .when(command('SubmitStandard', { version: 1 }, { id: 'SP-1', role: 'AfterSalesSpecialist' }))
      .thenRefused('Forbidden');
  });
});

describe('ApproveStandard and RejectStandard', () => {
  const submitted = [events.drafted(1), events.submitted(1)];

  it('the general manager approves a submitted version', () => {
    spec.given(submitted).when(command('ApproveStandard', { version: 1 }, generalManager)).then([events.approved(1)]);
  });

  it('the general manager rejects a submitted version with a reason', () => {
    spec
      .given(submitted)
      .when(command('RejectStandard', { version: 1, reason: '条款不完整' }, generalManager))
      .then([events.rejected(1, '条款不完整')]);
  });

  it('refuses approving a draft that was not submitted', () => {
    spec
      .given([events.drafted(1)])
      .when(command('ApproveStandard', { version: 1 }, generalManager))
      .thenRefused('InvalidTransition', 'v1 is Draft; expected Submitted');
  });

  it('refuses rejecting an approved version', () => {
    spec
      .given(approvedVersion(1))
      .when(command('RejectStandard', { version: 1, reason: '重新考虑' }, generalManager))
      .thenRefused('InvalidTransition', 'v1 is Approved; expected Submitted');
  });

  it('refuses a rejection without a reason', () => {
    spec.given(submitted).when(command('RejectStandard', { version: 1, reason: '' }, generalManager)).thenRefused('InvalidCommand', 'data.reason');
  });

  it('refuses the department manager approving their own standard', () => {
    spec.given(submitted).when(command('ApproveStandard', { version: 1 })).thenRefused('Forbidden', 'DepartmentManager');
    spec.given(submitted).when(command('RejectStandard', { version: 1, reason: 'x' })).thenRefused('Forbidden');
  });
});

