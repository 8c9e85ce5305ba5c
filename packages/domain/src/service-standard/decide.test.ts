import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import {
  approvedVersion,
  departmentManager,
  endpoint,
  generalManager,
  publishedV1,
  publishedV2,
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

describe('PublishStandard', () => {
  it('publishes an approved version to endpoints', () => {
    spec
      .given(approvedVersion(1))
      .when(command('PublishStandard', { version: 1, endpointIds: ['EP-01', 'EP-02'] }))
      .then([events.published(1, ['EP-01', 'EP-02'])]);
  });

  it('publishing a newer version supersedes the one in force', () => {
    spec
      .given([...publishedV1, ...approvedVersion(2)])
      .when(command('PublishStandard', { version: 2, endpointIds: ['EP-01', 'EP-02'] }))
      .then([events.published(2, ['EP-01', 'EP-02']), events.superseded(1, 2)]);
  });

  it('refuses a version that is not approved', () => {
    spec
      .given([events.drafted(1), events.submitted(1)])
      .when(command('PublishStandard', { version: 1, endpointIds: ['EP-01'] }))
      .thenRefused('InvalidTransition', 'v1 is Submitted; expected Approved');
  });

  it('refuses publishing a version twice', () => {
    spec
      .given(publishedV1)
      .when(command('PublishStandard', { version: 1, endpointIds: ['EP-03'] }))
      .thenRefused('InvalidTransition', 'v1 is Published; expected Approved');
  });

  it('refuses an older approved version over a newer published one', () => {
    spec
      .given([...approvedVersion(1), ...approvedVersion(2), events.published(2)])
      .when(command('PublishStandard', { version: 1, endpointIds: ['EP-01'] }))
      .thenRefused('InvalidTransition', 'v2 is Published; expected an approved version newer than it');
  });

  it('refuses no endpoints or the same endpoint twice', () => {
    spec.given(approvedVersion(1)).when(command('PublishStandard', { version: 1, endpointIds: [] })).thenRefused('InvalidCommand', 'data.endpointIds');
    spec
      .given(approvedVersion(1))
      .when(command('PublishStandard', { version: 1, endpointIds: ['EP-01', 'EP-01'] }))
      .thenRefused('InvalidCommand', 'same endpoint twice');
  });

  it('refuses the general manager', () => {
    spec.given(approvedVersion(1)).when(command('PublishStandard', { version: 1, endpointIds: ['EP-01'] }, generalManager)).thenRefused('Forbidden');
  });
});

describe('AcknowledgeStandard', () => {
  const acknowledge = (endpointId: string, actorId = endpointId, version = 1) =>
    command('AcknowledgeStandard', { version, endpointId }, endpoint(actorId));

  it('an endpoint acknowledges the version published to it', () => {
    spec.given(publishedV1).when(acknowledge('EP-01')).then([events.acknowledged(1, 'EP-01')]);
  });

  it('refuses a second acknowledgement by the same endpoint', () => {
    spec
      .given([...publishedV1, events.acknowledged(1, 'EP-01')])
      .when(acknowledge('EP-01'))
      .thenRefused('InvalidTransition', 'endpoint EP-01 has already acknowledged');
  });

  it('refuses an endpoint acknowledging for another', () => {
    spec.given(publishedV1).when(acknowledge('EP-02', 'EP-01')).thenRefused('Forbidden', 'EP-01 may acknowledge standard STD-1 only for itself');
  });

  it('refuses an endpoint the version was not published to', () => {
    spec.given(publishedV1).when(acknowledge('EP-03')).thenRefused('Forbidden', 'was not published to endpoint EP-03');
  });

  it('refuses a superseded version, pointing to the one in force', () => {
    spec.given(publishedV2).when(acknowledge('EP-01')).thenRefused('InvalidTransition', 'v1 is Superseded (by v2); expected Published');
  });

  it('refuses a version that is only approved', () => {
    spec.given(approvedVersion(1)).when(acknowledge('EP-01')).thenRefused('InvalidTransition', 'v1 is Approved');
  });

  it('refuses any role but a business endpoint', () => {
    spec.given(publishedV1).when(command('AcknowledgeStandard', { version: 1, endpointId: 'EP-01' })).thenRefused('Forbidden');
  });
});

describe('RecordTraining, RecordAssessment and InspectCompliance', () => {
  const training = { version: 2, endpointId: 'EP-01', attendees: ['SP-1', 'SP-2'] };
  const assessment = { version: 2, endpointId: 'EP-01', employeeId: 'SP-1', score: 80, passMark: 80 };
  const inspection = { version: 2, endpointId: 'EP-02', compliant: false, findings: ['未登记瑕疵'] };

  it('records training at an endpoint on the version in force', () => {
    spec
      .given(publishedV2)
      .when(command('RecordTraining', training))
      .then([{ type: 'TrainingRecorded', data: { standardId, ...training } }]);
  });

  it('records an assessment that passes at exactly the pass mark', () => {
    spec
      .given(publishedV2)
      .when(command('RecordAssessment', assessment))
      .then([{ type: 'AssessmentRecorded', data: { standardId, ...assessment, passed: true } }]);
  });

  it('records an assessment below the pass mark as failed', () => {
    spec
      .given(publishedV2)
      .when(command('RecordAssessment', { ...assessment, score: 79.5 }))
      .then([{ type: 'AssessmentRecorded', data: { standardId, ...assessment, score: 79.5, passed: false } }]);
  });

  it('records a compliance inspection with its findings', () => {
    spec
      .given(publishedV2)
      .when(command('InspectCompliance', inspection))
      .then([{ type: 'ComplianceInspected', data: { standardId, ...inspection } }]);
  });

  it('refuses all three on a superseded version', () => {
    spec.given(publishedV2).when(command('RecordTraining', { ...training, version: 1 })).thenRefused('InvalidTransition', 'v1 is Superseded (by v2)');
    spec.given(publishedV2).when(command('RecordAssessment', { ...assessment, version: 1 })).thenRefused('InvalidTransition', 'Superseded');
    spec.given(publishedV2).when(command('InspectCompliance', { ...inspection, version: 1 })).thenRefused('InvalidTransition', 'Superseded');
  });

  it('refuses all three on a version not yet published', () => {
    const given = [...publishedV1, ...approvedVersion(2)];
    spec.given(given).when(command('RecordTraining', training)).thenRefused('InvalidTransition', 'v2 is Approved; expected Published');
    spec.given(given).when(command('RecordAssessment', assessment)).thenRefused('InvalidTransition', 'v2 is Approved');
    spec.given(given).when(command('InspectCompliance', inspection)).thenRefused('InvalidTransition', 'v2 is Approved');
  });

  it('refuses an endpoint the version was not published to', () => {
    spec.given(publishedV2).when(command('RecordTraining', { ...training, endpointId: 'EP-09' })).thenRefused('InvalidCommand', 'EP-09');
  });

  it('refuses invalid data: no attendees, a score above 100, a failed inspection without findings', () => {
    spec.given(publishedV2).when(command('RecordTraining', { ...training, attendees: [] })).thenRefused('InvalidCommand', 'data.attendees');
    spec.given(publishedV2).when(command('RecordAssessment', { ...assessment, score: 101 })).thenRefused('InvalidCommand', 'data.score');
    spec.given(publishedV2).when(command('InspectCompliance', { ...inspection, findings: [] })).thenRefused('InvalidCommand', 'data.findings');
  });

  it('accepts a compliant inspection without findings', () => {
    spec
      .given(publishedV2)
      .when(command('InspectCompliance', { ...inspection, compliant: true, findings: [] }))
      .then([{ type: 'ComplianceInspected', data: { standardId, ...inspection, compliant: true, findings: [] } }]);
  });

  it('refuses anyone but the department manager', () => {
    spec.given(publishedV2).when(command('RecordTraining', training, endpoint('EP-01'))).thenRefused('Forbidden');
    spec.given(publishedV2).when(command('RecordAssessment', assessment, generalManager)).thenRefused('Forbidden');
    spec.given(publishedV2).when(command('InspectCompliance', inspection, { id: 'AU-1', role: 'Auditor' })).thenRefused('Forbidden', 'read-only');
  });
});

describe('RetireStandard', () => {
  it('retires a standard', () => {
    spec.given(publishedV2).when(command('RetireStandard', { reason: '并入新标准' })).then([events.retired('并入新标准')]);
  });

  it('a retired standard accepts nothing', () => {
    const retired = [...publishedV2, events.retired()];
    spec.given(retired).when(command('RetireStandard', { reason: 'again' })).thenRefused('InvalidTransition', 'standard STD-1 is Retired');
    spec.given(retired).when(command('DraftStandard', { ...draftData, version: 3 })).thenRefused('InvalidTransition', 'accepts no command');
    spec.given(retired).when(command('AcknowledgeStandard', { version: 2, endpointId: 'EP-01' }, endpoint('EP-01'))).thenRefused('InvalidTransition');
  });

  it('refuses retiring a standard that was never drafted', () => {
    spec.given([]).when(command('RetireStandard', { reason: 'x' })).thenRefused('InvalidTransition', 'does not exist yet');
  });

  it('refuses a retirement without reason, or by the general manager', () => {
    spec.given(publishedV1).when(command('RetireStandard', { reason: '' })).thenRefused('InvalidCommand', 'data.reason');
    spec.given(publishedV1).when(command('RetireStandard', { reason: 'x' }, generalManager)).thenRefused('Forbidden');
  });
});

describe('the standard as a whole', () => {
  it('keeps one version published at a time', () => {
    const state = [...publishedV2].reduce(serviceStandard.decider.evolve, serviceStandard.decider.initialState);
    expect(state.status === 'Established' && state.versions.map((entry) => entry.status)).toEqual(['Superseded', 'Published']);
  });

  it('routes commands to the standard stream', () => {
    const parsed = serviceStandard.commandSchema.parse(command('SubmitStandard', { version: 1 }, departmentManager));
    expect(serviceStandard.streamId(parsed)).toBe('ServiceStandard-STD-1');
  });
});
