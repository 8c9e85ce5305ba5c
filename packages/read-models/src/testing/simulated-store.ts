import * as E from 'fp-ts/lib/Either.js';
import { InMemoryEventStore, createSecurityLog } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import { simulateYear } from '@aftersales/domain/simulation';

const dutiesManager = { id: 'DM-01', role: 'DepartmentManager' } as const;
const dutiesGeneralManager = { id: 'GM-01', role: 'GeneralManager' } as const;

/**
 * The rest of the department's duties as fixed commands, whatever the simulation does: every case
 * the six KPIs of DOMAIN.md's last section tell apart (a rejoin, a transfer, a late and a missing
 * confirmation, a withdrawn task, a cancelled issue, a plan met by a later version…), spread over
 * the year so that the suite's periods and instants see hits, misses, pending and excluded items.
 * Their command ids carry the seed, so that two logs of two seeds never share an event.
 */
const dutiesCommands = (seed: number): Array<{ type: string; data: Record<string, unknown>; metadata: { commandId: string; actor: { id: string; role: string }; at: string } }> => {
  const commands: ReturnType<typeof dutiesCommands> = [];
  const send = (type: string, data: Record<string, unknown>, at: string, actor: { id: string; role: string } = dutiesManager) =>
    commands.push({ type, data, metadata: { commandId: `duties-${seed}-${commands.length + 1}`, actor, at } });
  const day = (date: string) => `${date}T10:00:00+08:00`;
  for (const n of [1, 2, 3, 4, 5, 6]) send('JoinDepartment', { employeeId: `CF-${n}`, position: 'AfterSalesSpecialist', name: '李娜' }, day('2025-12-01'));
  send('LeaveDepartment', { employeeId: 'CF-1', reason: 'resigned' }, day('2026-03-10'));
  send('JoinDepartment', { employeeId: 'CF-7', position: 'DepartmentManager', name: '赵磊' }, day('2026-03-20'));
  send('LeaveDepartment', { employeeId: 'CF-2', reason: 'transferred' }, day('2026-06-15'));
  send('JoinDepartment', { employeeId: 'CF-1', position: 'AfterSalesSpecialist', name: '李娜' }, day('2026-07-01'));
  send('LeaveDepartment', { employeeId: 'CF-3', reason: 'dismissed' }, day('2026-11-02'));
  const issue = (issueId: string, raised: string, dueBy: string, department: string) =>
    send('RaiseIssue', { issueId, source: 'feedback', category: 'service', description: 'slow return', responsibleDepartment: department, dueBy: day(dueBy) }, day(raised));
  const improve = (issueId: string, at: string, effective: boolean, department: string) => {
    send('RecordImprovement', { issueId, action: 'courier changed' }, day(at), { id: department, role: 'Department' });
    send('VerifyImprovement', { issueId, effective, note: 'checked' }, day(at));
  };
  issue('CF-I1', '2026-03-01', '2026-03-31', 'LOGISTICS');
  improve('CF-I1', '2026-03-20', true, 'LOGISTICS');
  issue('CF-I2', '2026-05-01', '2026-06-30', 'PRODUCTION');
  improve('CF-I2', '2026-06-01', false, 'PRODUCTION');
  issue('CF-I3', '2026-05-01', '2026-06-30', 'PRODUCTION');
  send('CancelIssue', { issueId: 'CF-I3', reason: 'raised twice' }, day('2026-05-02'));
  issue('CF-I4', '2026-09-01', '2026-12-31', 'DESIGN');
  const suggest = (suggestionId: string, at: string) =>
    send('ProposeSuggestion', { suggestionId, toDepartment: 'DESIGN', title: 'stronger pockets', rationale: 'pockets tear', relatedIssueIds: [] }, day(at));
  suggest('CF-S1', '2026-03-01');
  send('DecideSuggestion', { suggestionId: 'CF-S1', adopted: true, reason: 'agreed' }, day('2026-03-05'), { id: 'DESIGN', role: 'Department' });
  suggest('CF-S2', '2026-06-01');
  send('DecideSuggestion', { suggestionId: 'CF-S2', adopted: false, reason: 'too costly' }, day('2026-06-10'), { id: 'DESIGN', role: 'Department' });
  suggest('CF-S3', '2026-06-20');
  const delegate = (taskId: string, at: string, dueBy: string) => send('DelegateTask', { taskId, title: 'stock count', detail: 'all stores', dueBy: day(dueBy) }, day(at), dutiesGeneralManager);
  delegate('CF-T1', '2026-03-01', '2026-03-20');
  send('ReportTaskResult', { taskId: 'CF-T1', result: 'done' }, day('2026-03-18'));
  delegate('CF-T2', '2026-05-01', '2026-06-30');
  send('WithdrawTask', { taskId: 'CF-T2', reason: 'no longer needed' }, day('2026-06-01'), dutiesGeneralManager);
  delegate('CF-T3', '2026-06-01', '2026-07-15');
  send('DraftJobDescription', { positionId: 'CF-P', version: 1, duties: ['修复'] }, day('2026-06-20'));
  send('SubmitJobDescription', { positionId: 'CF-P', version: 1 }, day('2026-06-20'));
  send('ApproveJobDescription', { positionId: 'CF-P', version: 1 }, day('2026-06-21'), dutiesGeneralManager);
  send('ExplainJobDescription', { positionId: 'CF-P', version: 1, employeeIds: ['CF-4', 'CF-5', 'CF-6'] }, day('2026-06-25'));
  send('ConfirmJobDescription', { positionId: 'CF-P', version: 1, employeeId: 'CF-4' }, day('2026-06-26'), { id: 'CF-4', role: 'AfterSalesSpecialist' });
  send('ConfirmJobDescription', { positionId: 'CF-P', version: 1, employeeId: 'CF-5' }, day('2026-07-05'), { id: 'CF-5', role: 'AfterSalesSpecialist' });
  const plan = (standardId: string, at: string, dueBy: string) => send('PlanStandard', { standardId, version: 1, title: 'expense rule', kind: 'rule', dueBy: day(dueBy) }, day(at));
  plan('CF-D1', '2026-02-01', '2026-03-31');
  send('DraftStandard', { standardId: 'CF-D1', version: 1, title: 'expense rule', clauses: ['receipts'], kind: 'rule' }, day('2026-03-20'));
  send('SubmitStandard', { standardId: 'CF-D1', version: 1 }, day('2026-03-20'));
  send('ApproveStandard', { standardId: 'CF-D1', version: 1 }, day('2026-03-24'), dutiesGeneralManager);
  send('PublishStandard', { standardId: 'CF-D1', version: 1, endpointIds: ['EP-01'] }, day('2026-03-25'));
  plan('CF-D2', '2026-04-01', '2026-06-30');
  plan('CF-D3', '2026-09-01', '2026-12-31');
  return commands;
};

/**
 * A simulated department through command handling, refusals in the security log: the events a real
 * log holds, with the fixed duties above after the simulated year.
 */
export const simulatedStore = async (orders: number, seed: number, share = 1): Promise<InMemoryEventStore> => {
  const store = new InMemoryEventStore({ clock: () => new Date('2027-01-01T00:00:00Z') });
  const securityLog = createSecurityLog({ store, codes: ['Forbidden', 'InvalidCommand', 'InvalidTransition', 'OverBudget'] });
  const department = createDepartment({ store, onRefused: securityLog.onRefused });
  const commands = [...simulateYear({ seed, orders })];
  for (const command of commands.slice(0, Math.ceil(commands.length * share))) await department.handle(JSON.parse(JSON.stringify(command)));
  for (const command of dutiesCommands(seed)) {
    const result = await department.handleUntrusted(command);
    if (E.isLeft(result)) throw new Error(`${command.type} ${command.metadata.commandId} refused: ${result.left.code}: ${result.left.message}`);
  }
  return store;
};
