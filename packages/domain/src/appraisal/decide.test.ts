import { specify } from '@aftersales/core/testing';
import { describe, expect, it } from 'vitest';
import {
  appraisalCommand as command,
  appraisalEvents as events,
  appraisalId,
  completedAppraisal,
  departmentManager,
  dueBy,
  employeeId,
  generalManager,
  plannedAppraisal,
  scoredAppraisal,
  scores,
  specialist,
} from '../testing/appraisal.js';
import type { AppraisalEvent } from './index.js';
import { appraisal } from './index.js';

const spec = specify(appraisal);
const plan = { employeeId, cycle: '2026-Q3', dueBy };
const score = { scores, rating: 'B', competent: true };

describe('PlanAppraisal', () => {
  it('plans a new appraisal', () => {
    spec.given([]).when(command('PlanAppraisal', plan)).then([events.planned()]);
  });

  it('refuses planning the same appraisal twice', () => {
    spec.given(plannedAppraisal).when(command('PlanAppraisal', plan)).thenRefused('InvalidTransition', `appraisal ${appraisalId} is Planned; expected New`);
  });

  it('refuses a due date before the planning time', () => {
    spec
      .given([])
      .when(command('PlanAppraisal', { ...plan, dueBy: '2026-06-30T09:00:00+08:00' }))
      .thenRefused('InvalidCommand', 'before it is planned');
  });

  it('refuses a malformed cycle or due date, naming the field', () => {
    spec.given([]).when(command('PlanAppraisal', { ...plan, cycle: 'Q3' })).thenRefused('InvalidCommand', 'data.cycle');
    spec.given([]).when(command('PlanAppraisal', { ...plan, dueBy: '30/09/2026' })).thenRefused('InvalidCommand', 'data.dueBy');
  });

  it('refuses anyone but the department manager', () => {
    spec.given([]).when(command('PlanAppraisal', plan, generalManager)).thenRefused('Forbidden', 'GeneralManager');
    spec.given([]).when(command('PlanAppraisal', plan, specialist())).thenRefused('Forbidden');
  });
});

describe('ScoreAppraisal', () => {
  it('scores a planned appraisal', () => {
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', score)).then([events.scored('B', true)]);
  });

  it('re-scores a scored appraisal until it is completed', () => {
    spec
      .given(scoredAppraisal)
      .when(command('ScoreAppraisal', { ...score, rating: 'D', competent: false }))
      .then([events.scored('D', false)]);
  });

  it('refuses scoring a completed appraisal', () => {
    spec
      .given(completedAppraisal)
      .when(command('ScoreAppraisal', score))
      .thenRefused('InvalidTransition', 'is Completed; expected Planned or Scored (scores are final once completed)');
  });

  it('refuses scoring an appraisal that was never planned', () => {
    spec.given([]).when(command('ScoreAppraisal', score)).thenRefused('InvalidTransition', 'has not been planned');
  });

  it('refuses scores outside 0–100, no scores, and an unknown rating', () => {
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', { ...score, scores: { 修复质量: 101 } })).thenRefused('InvalidCommand', 'data.scores');
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', { ...score, scores: { 修复质量: -1 } })).thenRefused('InvalidCommand', 'data.scores');
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', { ...score, scores: {} })).thenRefused('InvalidCommand', 'at least one criterion');
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', { ...score, rating: 'E' })).thenRefused('InvalidCommand', 'data.rating');
  });

  it('refuses the employee scoring themselves', () => {
    spec.given(plannedAppraisal).when(command('ScoreAppraisal', score, specialist())).thenRefused('Forbidden');
  });
});

describe('CompleteAppraisal', () => {
  it('completes a scored appraisal with its last rating', () => {
    spec
      .given([...scoredAppraisal, events.scored('C', false)])
      .when(command('CompleteAppraisal'))
      .then([events.completed('C', false)]);
  });

  it('refuses completing an appraisal that was not scored', () => {
    spec.given(plannedAppraisal).when(command('CompleteAppraisal')).thenRefused('InvalidTransition', 'is Planned; expected Scored');
  });

  it('refuses completing twice', () => {
    spec.given(completedAppraisal).when(command('CompleteAppraisal')).thenRefused('InvalidTransition', 'is Completed; expected Scored');
  });

  it('refuses the general manager', () => {
    spec.given(scoredAppraisal).when(command('CompleteAppraisal', {}, generalManager)).thenRefused('Forbidden');
  });
});

describe('ProposeRecommendation and DecideRecommendation', () => {
  const proposal = { kind: 'reward', detail: '季度修复零返工' };

  it('proposes a recommendation on a completed appraisal', () => {
    spec.given(completedAppraisal).when(command('ProposeRecommendation', proposal)).then([events.proposed('reward', '季度修复零返工')]);
  });

  it('proposes another once the previous one was decided', () => {
    spec
      .given([...completedAppraisal, events.proposed(), events.decided()])
      .when(command('ProposeRecommendation', { kind: 'gradeChange', detail: '升一级' }))
      .then([events.proposed('gradeChange', '升一级')]);
  });

  it('refuses a second open proposal', () => {
    spec
      .given([...completedAppraisal, events.proposed()])
      .when(command('ProposeRecommendation', proposal))
      .thenRefused('InvalidTransition', 'already has an open reward recommendation');
  });

  it('refuses a proposal before completion', () => {
    spec.given(scoredAppraisal).when(command('ProposeRecommendation', proposal)).thenRefused('InvalidTransition', 'is Scored; expected Completed');
  });

  it('refuses an unknown kind or an empty detail', () => {
    spec.given(completedAppraisal).when(command('ProposeRecommendation', { ...proposal, kind: 'promotion' })).thenRefused('InvalidCommand', 'data.kind');
    spec.given(completedAppraisal).when(command('ProposeRecommendation', { ...proposal, detail: '' })).thenRefused('InvalidCommand', 'data.detail');
  });

  it('refuses a proposal by the general manager', () => {
    spec.given(completedAppraisal).when(command('ProposeRecommendation', proposal, generalManager)).thenRefused('Forbidden');
  });

  it('the general manager approves the open proposal', () => {
    spec
      .given([...completedAppraisal, events.proposed()])
      .when(command('DecideRecommendation', { approved: true, reason: '' }, generalManager))
      .then([events.decided('reward', true, '')]);
  });

  it('the general manager declines the open proposal with a reason', () => {
    spec
      .given([...completedAppraisal, events.proposed('gradeChange')])
      .when(command('DecideRecommendation', { approved: false, reason: '年度再议' }, generalManager))
      .then([events.decided('gradeChange', false, '年度再议')]);
  });

  it('refuses declining without a reason', () => {
    spec
      .given([...completedAppraisal, events.proposed()])
      .when(command('DecideRecommendation', { approved: false, reason: ' ' }, generalManager))
      .thenRefused('InvalidCommand', 'data.reason');
  });

  it('refuses deciding when nothing is open', () => {
    spec
      .given([...completedAppraisal, events.proposed(), events.decided()])
      .when(command('DecideRecommendation', { approved: true, reason: '' }, generalManager))
      .thenRefused('InvalidTransition', 'no open recommendation');
  });

  it('refuses deciding before completion', () => {
    spec.given(plannedAppraisal).when(command('DecideRecommendation', { approved: true, reason: '' }, generalManager)).thenRefused('InvalidTransition', 'is Planned');
  });

  it('refuses the department manager deciding their own proposal', () => {
    spec
      .given([...completedAppraisal, events.proposed()])
      .when(command('DecideRecommendation', { approved: true, reason: '' }))
      .thenRefused('Forbidden', 'DepartmentManager');
  });
});

describe('AcknowledgeAppraisal', () => {
  it('the appraised specialist acknowledges a completed appraisal', () => {
    spec.given(completedAppraisal).when(command('AcknowledgeAppraisal', {}, specialist())).then([events.acknowledged()]);
  });

  it('acknowledgement does not depend on open recommendations', () => {
    spec.given([...completedAppraisal, events.proposed()]).when(command('AcknowledgeAppraisal', {}, specialist())).then([events.acknowledged()]);
  });

  it('refuses a second acknowledgement', () => {
    spec
      .given([...completedAppraisal, events.acknowledged()])
      .when(command('AcknowledgeAppraisal', {}, specialist()))
      .thenRefused('InvalidTransition', 'already acknowledged');
  });

  it('refuses another specialist', () => {
    spec
      .given(completedAppraisal)
      .when(command('AcknowledgeAppraisal', {}, specialist('SP-8')))
      .thenRefused('Forbidden', `appraisal ${appraisalId} is ${employeeId}'s; SP-8 may acknowledge only their own`);
  });

  it('refuses acknowledging before completion', () => {
    spec.given(scoredAppraisal).when(command('AcknowledgeAppraisal', {}, specialist())).thenRefused('InvalidTransition', 'is Scored; expected Completed');
    spec.given([]).when(command('AcknowledgeAppraisal', {}, specialist())).thenRefused('InvalidTransition', 'has not been planned');
  });

  it('checks the status before the identity, like every aggregate of the department', () => {
    spec.given(scoredAppraisal).when(command('AcknowledgeAppraisal', {}, specialist('SP-8'))).thenRefused('InvalidTransition', 'is Scored');
  });

  it('refuses the department manager acknowledging for the employee', () => {
    spec.given(completedAppraisal).when(command('AcknowledgeAppraisal', { }, { id: employeeId, role: 'DepartmentManager' })).thenRefused('Forbidden');
  });

  it('refuses an unknown field', () => {
    spec.given(completedAppraisal).when(command('AcknowledgeAppraisal', { note: 'ok' }, specialist())).thenRefused('InvalidCommand', 'note');
  });
});

describe('the appraisal as a whole', () => {
  it('routes commands to the appraisal stream', () => {
    const parsed = appraisal.commandSchema.parse(command('CompleteAppraisal'));
    expect(appraisal.streamId(parsed)).toBe('Appraisal-AP-1');
  });
});

describe('nobody decides on their own appraisal', () => {
  const ownPlan = { ...plan, employeeId: departmentManager.id };
  const own = (history: readonly AppraisalEvent[]) =>
    history.map((event) => ('employeeId' in event.data ? { ...event, data: { ...event.data, employeeId: departmentManager.id } } : event)) as AppraisalEvent[];

  it('refuses a manager planning their own appraisal', () => {
    spec.given([]).when(command('PlanAppraisal', ownPlan)).thenRefused('Forbidden', `is ${departmentManager.id}'s own`);
  });

  it('refuses a manager scoring, completing or proposing for their own appraisal', () => {
    spec.given(own(plannedAppraisal)).when(command('ScoreAppraisal', score)).thenRefused('Forbidden', 'nobody decides on their own appraisal');
    spec.given(own(scoredAppraisal)).when(command('CompleteAppraisal')).thenRefused('Forbidden', 'nobody decides on their own appraisal');
    spec
      .given(own(completedAppraisal))
      .when(command('ProposeRecommendation', { kind: 'reward', detail: '自荐' }))
      .thenRefused('Forbidden', 'nobody decides on their own appraisal');
  });

  it('refuses the general manager deciding a recommendation on their own appraisal', () => {
    const theirs = completedAppraisal.map((event) =>
      'employeeId' in event.data ? { ...event, data: { ...event.data, employeeId: generalManager.id } } : event,
    ) as AppraisalEvent[];
    spec
      .given([...theirs, events.proposed()])
      .when(command('DecideRecommendation', { approved: true, reason: '' }, generalManager))
      .thenRefused('Forbidden', 'nobody decides on their own appraisal');
  });

  it('lets another manager decide on it', () => {
    const otherManager = { id: 'DM-2', role: 'DepartmentManager' } as const;
    spec.given([]).when(command('PlanAppraisal', ownPlan, otherManager)).then([
      { type: 'AppraisalPlanned', data: { appraisalId, ...ownPlan } },
    ]);
  });
});
