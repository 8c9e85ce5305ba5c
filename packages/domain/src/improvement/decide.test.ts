import { specify } from '@aftersales/core/testing';
import { describe, it } from 'vitest';
import type { ImprovementEvent } from './index.js';
import { improvement } from './index.js';
import { improvementCommand as command, issueId } from '../testing/improvement.js';

const spec = specify(improvement);
const dueBy = '2026-03-31T18:00:00+08:00';
const production = { id: 'Production', role: 'Department' };

const raise = {
  source: 'vipOpinion',
  orderId: 'RO-7',
  category: 'quality',
  description: '羊毛大衣改腰后线迹不齐',
  responsibleDepartment: 'Production',
  dueBy,
} as const;
const raised: ImprovementEvent = { type: 'IssueRaised', data: { issueId, ...raise } };
const recorded: ImprovementEvent = { type: 'ImprovementRecorded', data: { issueId, action: '更换缝纫线并培训', responsibleDepartment: 'Production' } };
const notEffective: ImprovementEvent = { type: 'ImprovementVerified', data: { issueId, effective: false, note: '复检仍有跳线' } };
const effective: ImprovementEvent = { type: 'ImprovementVerified', data: { issueId, effective: true, note: '' } };
const cancelled: ImprovementEvent = { type: 'IssueCancelled', data: { issueId, reason: '重复登记' } };

describe('RaiseIssue', () => {
  it('raises a new issue with the department responsible and a due date', () => {
    spec.given([]).when(command('RaiseIssue', raise)).then([raised]);
  });

  it('lets a business endpoint raise one, without an order', () => {
    const { orderId: _orderId, ...withoutOrder } = raise;
    spec
      .given([])
      .when(command('RaiseIssue', { ...withoutOrder, source: 'complaint' }, { id: 'EP-01', role: 'BusinessEndpoint' }))
      .then([{ type: 'IssueRaised', data: { issueId, ...withoutOrder, source: 'complaint' } }]);
  });

  it('refuses raising the same issue twice', () => {
    spec.given([raised]).when(command('RaiseIssue', raise)).thenRefused('InvalidTransition', 'issue ISS-1 is Open; expected New');
  });

  it('refuses a due date before the issue is raised', () => {
    spec.given([]).when(command('RaiseIssue', { ...raise, dueBy: '2026-03-01T09:00:00+08:00' })).thenRefused('InvalidCommand', 'before it is set');
  });

  it('refuses an unknown source or category, and a blank description, naming the field', () => {
    spec.given([]).when(command('RaiseIssue', { ...raise, source: 'rumour' })).thenRefused('InvalidCommand', 'data.source');
    spec.given([]).when(command('RaiseIssue', { ...raise, category: 'price' })).thenRefused('InvalidCommand', 'data.category');
    spec.given([]).when(command('RaiseIssue', { ...raise, description: '  ' })).thenRefused('InvalidCommand', 'data.description');
    spec.given([]).when(command('RaiseIssue', { ...raise, responsibleDepartment: 'Pro duction' })).thenRefused('InvalidCommand', 'data.responsibleDepartment');
  });

  it('refuses the departments themselves and the specialists', () => {
    spec.given([]).when(command('RaiseIssue', raise, production)).thenRefused('Forbidden', 'role Department may not issue it');
    spec.given([]).when(command('RaiseIssue', raise, { id: 'SP-1', role: 'AfterSalesSpecialist' })).thenRefused('Forbidden');
  });
});

describe('RecordImprovement', () => {
  const action = { action: '更换缝纫线并培训' };

  it('records the responsible department’s action on an open issue', () => {
    spec.given([raised]).when(command('RecordImprovement', action, production)).then([recorded]);
  });

  it('lets the department manager record it for the department', () => {
    spec.given([raised]).when(command('RecordImprovement', action)).then([recorded]);
  });

  it('records again on a reopened issue', () => {
    spec.given([raised, recorded, notEffective]).when(command('RecordImprovement', action, production)).then([recorded]);
  });

  it('refuses a department the issue is not assigned to', () => {
    spec
      .given([raised])
      .when(command('RecordImprovement', action, { id: 'Design', role: 'Department' }))
      .thenRefused('Forbidden', 'issue ISS-1 is assigned to Production; department Design may act only on issues assigned to it');
  });

  it('refuses a second record before the first is verified, and any record on a closed or cancelled issue', () => {
    spec.given([raised, recorded]).when(command('RecordImprovement', action, production)).thenRefused('InvalidTransition', 'is ImprovementRecorded; expected Open');
    spec.given([raised, recorded, effective]).when(command('RecordImprovement', action, production)).thenRefused('InvalidTransition', 'is Closed');
    spec.given([raised, cancelled]).when(command('RecordImprovement', action, production)).thenRefused('InvalidTransition', 'is Cancelled');
  });

  it('refuses an issue never raised, and a blank action', () => {
    spec.given([]).when(command('RecordImprovement', action, production)).thenRefused('InvalidTransition', 'has not been raised');
    spec.given([raised]).when(command('RecordImprovement', { action: '' }, production)).thenRefused('InvalidCommand', 'data.action');
  });
});

describe('VerifyImprovement', () => {
  it('closes the issue when the improvement is effective', () => {
    spec.given([raised, recorded]).when(command('VerifyImprovement', { effective: true, note: '' })).then([effective]);
  });

  it('reopens it when the improvement is not effective', () => {
    spec.given([raised, recorded]).when(command('VerifyImprovement', { effective: false, note: '复检仍有跳线' })).then([notEffective]);
  });

  it('refuses verifying before an improvement is recorded', () => {
    spec.given([raised]).when(command('VerifyImprovement', { effective: true, note: '' })).thenRefused('InvalidTransition', 'is Open; expected ImprovementRecorded');
  });

  it('refuses a verdict of not effective without a note', () => {
    spec.given([raised, recorded]).when(command('VerifyImprovement', { effective: false, note: ' ' })).thenRefused('InvalidCommand', 'data.note');
  });

  it('refuses the responsible department verifying its own fix', () => {
    spec.given([raised, recorded]).when(command('VerifyImprovement', { effective: true, note: '' }, production)).thenRefused('Forbidden');
  });
});

describe('CancelIssue', () => {
  it('cancels an open issue or one waiting for verification', () => {
    spec.given([raised]).when(command('CancelIssue', { reason: '重复登记' })).then([cancelled]);
    spec.given([raised, recorded]).when(command('CancelIssue', { reason: '重复登记' })).then([cancelled]);
  });

  it('refuses cancelling a closed, cancelled or never raised issue', () => {
    spec.given([raised, recorded, effective]).when(command('CancelIssue', { reason: '重复登记' })).thenRefused('InvalidTransition', 'is Closed');
    spec.given([raised, cancelled]).when(command('CancelIssue', { reason: '重复登记' })).thenRefused('InvalidTransition', 'is Cancelled');
    spec.given([]).when(command('CancelIssue', { reason: '重复登记' })).thenRefused('InvalidTransition', 'has not been raised');
  });

  it('refuses a cancellation without a reason, or by a business endpoint', () => {
    spec.given([raised]).when(command('CancelIssue', { reason: '' })).thenRefused('InvalidCommand', 'data.reason');
    spec.given([raised]).when(command('CancelIssue', { reason: '重复登记' }, { id: 'EP-01', role: 'BusinessEndpoint' })).thenRefused('Forbidden');
  });
});
