import type { RefusedCommand } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { BudgetCommandType } from './budget/index.js';
import { createDepartment, departmentAggregates, departmentEventSchema, departmentUpcasting } from './department.js';
import { budgetCommand } from './testing/budget.js';

/** Commands exactly as a JSON Lines file would carry them, one per line. */
const jsonLines = `
{"type":"ReceiveRepairOrder","data":{"orderId":"RO-1","endpointId":"EP-01","customer":{"name":"王芳","phone":"13800000000"},"garment":"wool coat","workItems":["hemming"],"requirements":"shorten 2cm"},"metadata":{"commandId":"c-1","actor":{"id":"EP-01","role":"BusinessEndpoint"},"at":"2026-03-02T09:00:00+08:00"}}
{"type":"DraftStandard","data":{"standardId":"STD-1","version":1,"title":"门店收衣规范","clauses":["当面检查衣物"]},"metadata":{"commandId":"c-2","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-03-02T10:00:00+08:00"}}
{"type":"SubmitStandard","data":{"standardId":"STD-1","version":1},"metadata":{"commandId":"c-3","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-03-02T11:00:00+08:00"}}
{"type":"ApproveStandard","data":{"standardId":"STD-1","version":1},"metadata":{"commandId":"c-4","actor":{"id":"GM-1","role":"GeneralManager"},"at":"2026-03-03T09:00:00+08:00"}}
{"type":"PublishStandard","data":{"standardId":"STD-1","version":1,"endpointIds":["EP-01","EP-02"]},"metadata":{"commandId":"c-5","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-03-03T10:00:00+08:00"}}
{"type":"AcknowledgeStandard","data":{"standardId":"STD-1","version":1,"endpointId":"EP-01"},"metadata":{"commandId":"c-6","actor":{"id":"EP-01","role":"BusinessEndpoint"},"at":"2026-03-04T09:00:00+08:00"}}
{"type":"PlanAppraisal","data":{"appraisalId":"AP-1","employeeId":"SP-7","cycle":"2026-Q1","dueBy":"2026-03-31T18:00:00+08:00"},"metadata":{"commandId":"c-7","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-03-02T09:30:00+08:00"}}
{"type":"DraftBudget","data":{"budgetId":"BG-2026","fiscalYear":2026,"lines":[{"category":"tools","amount":500000}]},"metadata":{"commandId":"c-8","actor":{"id":"DM-1","role":"DepartmentManager"},"at":"2026-01-05T09:00:00+08:00"}}
`
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { type: string; metadata: { commandId: string } });

const setUp = () => {
  const store = new InMemoryEventStore();
  const refusals: RefusedCommand[] = [];
  const department = createDepartment({ store, onRefused: (refusal) => void refusals.push(refusal) });
  return { store, department, refusals };
};

const allEvents = async (store: InMemoryEventStore) => {
  const read = await collect(store.readAll());
  if (E.isLeft(read)) throw new Error(read.left.message);
  return read.right;
};

describe('createDepartment', () => {
  it('routes JSON commands of all four aggregates to their streams', async () => {
    const { store, department } = setUp();
    const streams: string[] = [];
    for (const command of jsonLines) {
      const result = await department.handleUntrusted(command);
      if (E.isLeft(result)) expect.fail(`${command.type} was refused: ${result.left.message}`);
      streams.push(result.right.streamId);
    }
    expect(new Set(streams)).toEqual(new Set(['RepairOrder-RO-1', 'ServiceStandard-STD-1', 'Appraisal-AP-1', 'Budget-BG-2026']));
    const stored = await allEvents(store);
    expect(stored.map((event) => event.type)).toEqual([
      'RepairOrderReceived',
      'StandardDrafted',
      'StandardSubmitted',
      'StandardApproved',
      'StandardPublished',
      'StandardAcknowledged',
      'AppraisalPlanned',
      'BudgetDrafted',
    ]);
    const acknowledged = stored.find((event) => event.type === 'StandardAcknowledged');
    expect(acknowledged?.metadata).toMatchObject({
      commandId: 'c-6',
      actor: { id: 'EP-01', role: 'BusinessEndpoint' },
      occurredAt: '2026-03-04T09:00:00+08:00',
    });
  });

  it('knows every command type of DOMAIN.md, each handled by one aggregate', () => {
    const { department } = setUp();
    expect(department.commandTypes).toHaveLength(15 + 11 + 6 + 9 + 4 + 2 + 3 + 5 + 7);
    expect(department.definitionFor('PublishStandard')?.name).toBe('ServiceStandard');
    expect(department.definitionFor('AcknowledgeAppraisal')?.name).toBe('Appraisal');
    expect(department.definitionFor('FileJobDescription')?.name).toBe('JobDescription');
    expect(departmentAggregates.map((definition) => definition.name)).toEqual([
      'RepairOrder',
      'ServiceStandard',
      'Appraisal',
      'Budget',
      'Improvement',
      'Suggestion',
      'Assignment',
      'Employee',
      'JobDescription',
    ]);
  });

  it('refuses an unknown command type, naming it, and appends nothing', async () => {
    const { store, department, refusals } = setUp();
    const result = await department.handleUntrusted({ ...jsonLines[1], type: 'PublishStandards' });
    expect(E.isLeft(result) && result.left).toMatchObject({ code: 'InvalidCommand', message: expect.stringContaining('"PublishStandards"') });
    expect(refusals).toHaveLength(1);
    expect(await allEvents(store)).toEqual([]);
  });

  it('refuses invalid data and forbidden roles with their codes, and appends nothing', async () => {
    const { store, department } = setUp();
    const invalid = await department.handleUntrusted({ ...jsonLines[1], data: { standardId: 'STD-1', version: 1, title: '', clauses: [] } });
    expect(E.isLeft(invalid) && invalid.left.code).toBe('InvalidCommand');
    const auditor = await department.handleUntrusted({ ...jsonLines[1], metadata: { ...jsonLines[1]!.metadata, actor: { id: 'AU-1', role: 'Auditor' } } });
    expect(E.isLeft(auditor) && auditor.left.code).toBe('Forbidden');
    expect(await allEvents(store)).toEqual([]);
  });

  it('a command sent again with the same id appends nothing new and returns the first result', async () => {
    const { store, department } = setUp();
    const first = await department.handleUntrusted(jsonLines[1]);
    const again = await department.handle(JSON.parse(JSON.stringify(jsonLines[1])));
    if (E.isLeft(first) || E.isLeft(again)) return expect.fail('the command was refused');
    expect(again.right.duplicate).toBe(true);
    expect(again.right.events).toEqual(first.right.events);
    expect(await allEvents(store)).toHaveLength(1);
  });

  it('an expense refused OverBudget stays refused when sent again after its line was raised', async () => {
    const { store, department } = setUp();
    const send = (type: BudgetCommandType, data: Record<string, unknown>, commandId: string) => department.handleUntrusted(budgetCommand(type, data, undefined, { commandId }));
    for (const [type, commandId] of [['DraftBudget', 'b-1'], ['SubmitBudget', 'b-2'], ['ReviewBudget', 'b-3'], ['ApproveBudget', 'b-4']] as const) {
      expect(E.isRight(await send(type, {}, commandId))).toBe(true);
    }
    expect(E.isRight(await send('ClaimExpense', { expenseId: 'EX-9', category: 'tools', amount: 70_000 }, 'b-5'))).toBe(true);
    const refused = await send('ApproveExpense', { expenseId: 'EX-9' }, 'b-6');
    expect(E.isLeft(refused) && refused.left.code).toBe('OverBudget');
    expect(E.isRight(await send('AdjustLine', { category: 'tools', amount: 80_000 }, 'b-7'))).toBe(true);
    // The same command id is the same command: its outcome was given, and deciding it again now would accept it.
    const again = await send('ApproveExpense', { expenseId: 'EX-9' }, 'b-6');
    expect(again).toEqual(refused);
    expect(E.isRight(await send('ApproveExpense', { expenseId: 'EX-9' }, 'b-8'))).toBe(true);
    const budgetStream = (await allEvents(store)).filter((event) => event.streamId.startsWith('Budget-'));
    expect(budgetStream.map((event) => event.metadata.commandId)).toEqual(['b-1', 'b-2', 'b-3', 'b-4', 'b-5', 'b-7', 'b-8']);
  });

  it('stored events of every aggregate decode with departmentEventSchema after upcasting', async () => {
    const { store, department } = setUp();
    for (const command of jsonLines) await department.handleUntrusted(command);
    for (const event of await allEvents(store)) {
      const upcast = departmentUpcasting.upcast(event, event.type, event.metadata.schemaVersion, event.data);
      if (E.isLeft(upcast)) return expect.fail(upcast.left.message);
      const decoded = departmentEventSchema.safeParse({ type: event.type, data: upcast.right });
      expect(decoded.success).toBe(true);
    }
    expect(departmentEventSchema.safeParse({ type: 'StandardShredded', data: {} }).success).toBe(false);
  });

  it('a v1 RepairOrderReceived is read as v2 by the department upcasting', () => {
    const v1 = { orderId: 'RO-1', endpointId: 'EP-01', customer: { name: '王芳', phone: '13800000000' }, garment: 'coat', workItem: 'hemming', requirements: '' };
    const upcast = departmentUpcasting.upcast({ streamId: 'RepairOrder-RO-1', revision: 0 }, 'RepairOrderReceived', 1, v1);
    expect(E.isRight(upcast) && departmentEventSchema.parse({ type: 'RepairOrderReceived', data: upcast.right }).data).toMatchObject({
      workItems: ['hemming'],
    });
  });
});
