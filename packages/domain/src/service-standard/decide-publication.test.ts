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
import { serviceStandard } from './index.js';

const spec = specify(serviceStandard);
const draftData = { version: 1, title: standardTitle, clauses: standardClauses };

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
