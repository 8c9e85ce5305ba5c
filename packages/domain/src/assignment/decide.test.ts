import { specify } from '@aftersales/core/testing';
import { describe, it } from 'vitest';
import type { AssignmentEvent } from './index.js';
import { assignment } from './index.js';
import { assignmentCommand as command, taskId } from '../testing/assignment.js';

const spec = specify(assignment);
const dueBy = '2026-03-20T18:00:00+08:00';
const manager = { id: 'DM-1', role: 'DepartmentManager' };

const task = { title: '整理春季退换货数据', detail: '按门店汇总并分析原因', dueBy };
const delegated: AssignmentEvent = { type: 'TaskDelegated', data: { taskId, ...task, delegatedBy: 'GM-1' } };
const reported: AssignmentEvent = { type: 'TaskResultReported', data: { taskId, result: '已汇总，见附件', reportedTo: 'GM-1' } };
const withdrawn: AssignmentEvent = { type: 'TaskWithdrawn', data: { taskId, reason: '由财务部负责' } };

describe('DelegateTask', () => {
  it('delegates a task, recording who delegated it', () => {
    spec.given([]).when(command('DelegateTask', task)).then([delegated]);
  });

  it('refuses delegating the same task twice', () => {
    spec.given([delegated]).when(command('DelegateTask', task)).thenRefused('InvalidTransition', 'task TASK-1 is Delegated; expected New');
  });

  it('refuses a due date before the delegation, and a blank title, naming the field', () => {
    spec.given([]).when(command('DelegateTask', { ...task, dueBy: '2026-03-01T18:00:00+08:00' })).thenRefused('InvalidCommand', 'would be due by 2026-03-01T18:00:00+08:00, before it is set');
    spec.given([]).when(command('DelegateTask', { ...task, title: ' ' })).thenRefused('InvalidCommand', 'data.title');
  });

  it('refuses anyone but the general manager', () => {
    spec.given([]).when(command('DelegateTask', task, manager)).thenRefused('Forbidden', 'role DepartmentManager');
  });
});

describe('ReportTaskResult', () => {
  it('reports the result back to the general manager who delegated the task', () => {
    spec.given([delegated]).when(command('ReportTaskResult', { result: '已汇总，见附件' }, manager)).then([reported]);
  });

  it('refuses a second report, a report on a withdrawn task and on a task never delegated', () => {
    spec.given([delegated, reported]).when(command('ReportTaskResult', { result: '补充' }, manager)).thenRefused('InvalidTransition', 'is Reported; expected Delegated');
    spec.given([delegated, withdrawn]).when(command('ReportTaskResult', { result: '补充' }, manager)).thenRefused('InvalidTransition', 'is Withdrawn');
    spec.given([]).when(command('ReportTaskResult', { result: '补充' }, manager)).thenRefused('InvalidTransition', 'has not been delegated');
  });

  it('refuses a blank result, and a report by the general manager', () => {
    spec.given([delegated]).when(command('ReportTaskResult', { result: '' }, manager)).thenRefused('InvalidCommand', 'data.result');
    spec.given([delegated]).when(command('ReportTaskResult', { result: '已完成' })).thenRefused('Forbidden', 'role GeneralManager');
  });
});

describe('WithdrawTask', () => {
  it('lets the delegator withdraw a task not yet reported', () => {
    spec.given([delegated]).when(command('WithdrawTask', { reason: '由财务部负责' })).then([withdrawn]);
  });

  it('refuses another general manager', () => {
    spec
      .given([delegated])
      .when(command('WithdrawTask', { reason: '由财务部负责' }, { id: 'GM-2', role: 'GeneralManager' }))
      .thenRefused('Forbidden', 'task TASK-1 was delegated by GM-1; only they may withdraw it, not GM-2');
  });

  it('refuses withdrawing a reported or withdrawn task, and one never delegated', () => {
    spec.given([delegated, reported]).when(command('WithdrawTask', { reason: '不需要了' })).thenRefused('InvalidTransition', 'is Reported');
    spec.given([delegated, withdrawn]).when(command('WithdrawTask', { reason: '不需要了' })).thenRefused('InvalidTransition', 'is Withdrawn');
    spec.given([]).when(command('WithdrawTask', { reason: '不需要了' })).thenRefused('InvalidTransition', 'has not been delegated');
  });

  it('refuses a withdrawal without a reason, or by the department manager', () => {
    spec.given([delegated]).when(command('WithdrawTask', { reason: '' })).thenRefused('InvalidCommand', 'data.reason');
    spec.given([delegated]).when(command('WithdrawTask', { reason: '不做了' }, manager)).thenRefused('Forbidden');
  });
});
