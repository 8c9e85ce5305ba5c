import * as E from 'fp-ts/lib/Either.js';
import type { Actor, CommandAccepted, EventStore } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { KpiFacts } from './kpi-facts.js';
import { emptyKpiFacts, foldKpiFacts } from './kpi-facts.js';

const manager: Actor = { id: 'DM-01', role: 'DepartmentManager' };
const generalManager: Actor = { id: 'GM-01', role: 'GeneralManager' };
const finance: Actor = { id: 'FIN-01', role: 'Finance' };

/**
 * A department over an in-memory store for tests: commands go through real command handling, so the
 * read models see the events the domain really records. Each helper sends one command at a business
 * instant and fails the test if the domain refuses it.
 */
export const testDepartment = () => {
  const store: EventStore = new InMemoryEventStore({ clock: () => new Date('2027-01-01T00:00:00Z') });
  const router = createDepartment({ store });
  const endpointOf = new Map<string, string>();
  const specialistOf = new Map<string, string>();
  let sent = 0;

  const send = async (
    type: string,
    data: Record<string, unknown>,
    at: string,
    actor: Actor,
    links: { readonly correlationId?: string; readonly causationId?: string } = {},
  ): Promise<CommandAccepted> => {
    sent += 1;
    const result = await router.handleUntrusted({ type, data, metadata: { commandId: `cmd-${sent}`, actor, at, ...links } });
    if (E.isLeft(result)) throw new Error(`${type} at ${at} refused: ${result.left.code}: ${result.left.message}`);
    return result.right;
  };
  const endpoint = (orderId: string): Actor => ({ id: endpointOf.get(orderId) ?? 'EP-01', role: 'BusinessEndpoint' });
  const specialist = (orderId: string): Actor => ({ id: specialistOf.get(orderId) ?? 'SP-01', role: 'AfterSalesSpecialist' });

  const order = {
    receive: (orderId: string, at: string, endpointId = 'EP-01') => {
      endpointOf.set(orderId, endpointId);
      return send(
        'ReceiveRepairOrder',
        { orderId, endpointId, customer: { name: '王芳', phone: '13800000000' }, garment: 'wool coat', workItems: ['hemming'], requirements: 'shorten 2cm' },
        at,
        endpoint(orderId),
      );
    },
    confirm: (orderId: string, at: string) => send('ConfirmReceipt', { orderId }, at, manager),
    schedule: (orderId: string, at: string, promisedBy: string, specialistId = 'SP-01') => {
      specialistOf.set(orderId, specialistId);
      return send('ScheduleRepair', { orderId, promisedBy, specialistId }, at, manager);
    },
    reschedule: (orderId: string, at: string, promisedBy: string) => send('RescheduleRepair', { orderId, promisedBy, reason: 'fabric on order' }, at, manager),
    start: (orderId: string, at: string) => send('StartRepair', { orderId }, at, specialist(orderId)),
    complete: (orderId: string, at: string) => send('CompleteRepair', { orderId }, at, specialist(orderId)),
    inspectRepair: (orderId: string, at: string, passed: boolean) =>
      send('InspectRepair', { orderId, passed, defects: passed ? [] : ['seam uneven'] }, at, manager),
    finish: (orderId: string, at: string) => send('FinishGarment', { orderId, steps: ['ironing', 'folding'] }, at, specialist(orderId)),
    inspectFinishing: (orderId: string, at: string, passed: boolean) =>
      send('InspectFinishing', { orderId, passed, defects: passed ? [] : ['creased'] }, at, manager),
    package: (orderId: string, at: string) => send('PackageGarment', { orderId }, at, specialist(orderId)),
    return: (orderId: string, at: string) => send('ReturnGarment', { orderId }, at, specialist(orderId)),
    confirmReturn: (orderId: string, at: string) => send('ConfirmReturn', { orderId, receivedBy: '李店长' }, at, endpoint(orderId)),
    feedback: (orderId: string, at: string, satisfied: boolean) =>
      send('RecordFeedback', { orderId, satisfied, opinion: satisfied ? '很满意' : '不满意' }, at, endpoint(orderId)),
    cancel: (orderId: string, at: string) => send('CancelRepairOrder', { orderId, reason: 'customer withdrew' }, at, endpoint(orderId)),
    close: (orderId: string, at: string) => send('CloseRepairOrder', { orderId }, at, manager),
  };

  const standard = {
    /** Drafts, submits, approves and publishes a version, all at one instant. */
    publish: async (standardId: string, version: number, at: string, endpointIds: readonly string[]) => {
      await send('DraftStandard', { standardId, version, title: '门店接待规范', clauses: ['微笑服务'] }, at, manager);
      await send('SubmitStandard', { standardId, version }, at, manager);
      await send('ApproveStandard', { standardId, version }, at, generalManager);
      return send('PublishStandard', { standardId, version, endpointIds }, at, manager);
    },
    acknowledge: (standardId: string, version: number, endpointId: string, at: string) =>
      send('AcknowledgeStandard', { standardId, version, endpointId }, at, { id: endpointId, role: 'BusinessEndpoint' }),
    inspect: (standardId: string, version: number, endpointId: string, at: string, compliant: boolean) =>
      send('InspectCompliance', { standardId, version, endpointId, compliant, findings: compliant ? [] : ['no price list'] }, at, manager),
    assess: (standardId: string, version: number, endpointId: string, employeeId: string, at: string, score: number) =>
      send('RecordAssessment', { standardId, version, endpointId, employeeId, score, passMark: 60 }, at, manager),
    retire: (standardId: string, at: string) => send('RetireStandard', { standardId, reason: 'replaced by the group standard' }, at, manager),
  };

  const appraisals = {
    plan: (appraisalId: string, employeeId: string, at: string, dueBy: string) =>
      send('PlanAppraisal', { appraisalId, employeeId, cycle: '2026-Q2', dueBy }, at, manager),
    /** Scores and completes at one instant. */
    complete: async (appraisalId: string, at: string, competent: boolean) => {
      await send('ScoreAppraisal', { appraisalId, scores: { 修复质量: competent ? 90 : 50 }, rating: competent ? 'B' : 'D', competent }, at, manager);
      return send('CompleteAppraisal', { appraisalId }, at, manager);
    },
    /** Proposes and decides a recommendation at one instant. */
    recommend: async (appraisalId: string, at: string, kind: string, approved: boolean) => {
      await send('ProposeRecommendation', { appraisalId, kind, detail: 'as appraised' }, at, manager);
      return send('DecideRecommendation', { appraisalId, approved, reason: approved ? 'agreed' : 'not this year' }, at, generalManager);
    },
  };

  let expenses = 0;
  const budgets = {
    /** Drafts, submits, reviews and approves a budget at one instant: it is then active. */
    activate: async (budgetId: string, at: string, lines: ReadonlyArray<{ category: string; amount: number }>) => {
      await send('DraftBudget', { budgetId, fiscalYear: 2026, lines }, at, manager);
      await send('SubmitBudget', { budgetId }, at, manager);
      await send('ReviewBudget', { budgetId, approved: true, comments: 'ok' }, at, finance);
      return send('ApproveBudget', { budgetId }, at, generalManager);
    },
    /** A claim by a specialist, approved by the manager. */
    spend: async (budgetId: string, category: string, amount: number, at: string) => {
      expenses += 1;
      const expenseId = `EX-${expenses}`;
      await send('ClaimExpense', { budgetId, expenseId, category, amount, description: 'thread and needles' }, at, { id: 'SP-01', role: 'AfterSalesSpecialist' });
      return send('ApproveExpense', { budgetId, expenseId }, at, manager);
    },
    adjust: (budgetId: string, category: string, amount: number, at: string) =>
      send('AdjustLine', { budgetId, category, amount, reason: 'demand changed' }, at, generalManager),
    close: (budgetId: string, at: string) => send('CloseBudget', { budgetId }, at, finance),
  };

  /** The KPI facts over everything sent so far, folded in memory: the reference every backend is held to. */
  const facts = async (): Promise<KpiFacts> => {
    const events = await collect(store.readAll());
    if (E.isLeft(events)) throw new Error(events.left.message);
    const folded = emptyKpiFacts();
    for (const event of events.right) foldKpiFacts(folded, event);
    return folded;
  };

  return { store, send, order, standard, appraisals, budgets, facts };
};
