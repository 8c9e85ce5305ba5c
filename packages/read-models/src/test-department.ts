import * as E from 'fp-ts/lib/Either.js';
import { expect } from 'vitest';
import type { Actor, CommandAccepted, EventStore } from '@aftersales/core';
import { InMemoryEventStore, collect } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import type { KpiConfig } from './config.js';
import type { KpiFacts } from './kpi-facts.js';
import type { KpiId, KpiItem } from './kpi-definitions.js';
import type { KpiResult } from './kpis.js';
import { computeKpis, explainKpiItem as explainSubject } from './kpis.js';
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

  const documents = {
    plan: (standardId: string, version: number, at: string, dueBy: string, kind = 'rule') =>
      send('PlanStandard', { standardId, version, title: '报销审核制度', kind, dueBy }, at, manager),
  };

  const improvements = {
    raise: (issueId: string, at: string, dueBy: string, responsibleDepartment = 'PRODUCTION') =>
      send('RaiseIssue', { issueId, source: 'vipOpinion', category: 'quality', description: 'loose seams after repair', responsibleDepartment, dueBy }, at, manager),
    /** The responsible department records an improvement and the manager verifies it, at one instant. */
    fix: async (issueId: string, at: string, effective: boolean, responsibleDepartment = 'PRODUCTION') => {
      await send('RecordImprovement', { issueId, action: 'new seam check' }, at, { id: responsibleDepartment, role: 'Department' });
      return send('VerifyImprovement', { issueId, effective, note: effective ? 'no more loose seams' : 'still loose' }, at, manager);
    },
    cancel: (issueId: string, at: string) => send('CancelIssue', { issueId, reason: 'raised twice' }, at, manager),
  };

  const suggestions = {
    /** Proposes a suggestion and the department decides it, at one instant. */
    decide: async (suggestionId: string, at: string, adopted: boolean, toDepartment = 'DESIGN') => {
      await send('ProposeSuggestion', { suggestionId, toDepartment, title: 'reinforce pocket seams', rationale: 'most repairs are pockets', relatedIssueIds: [] }, at, manager);
      return send('DecideSuggestion', { suggestionId, adopted, reason: adopted ? 'agreed' : 'too costly' }, at, { id: toDepartment, role: 'Department' });
    },
    propose: (suggestionId: string, at: string, toDepartment = 'DESIGN') =>
      send('ProposeSuggestion', { suggestionId, toDepartment, title: 'reinforce pocket seams', rationale: 'most repairs are pockets', relatedIssueIds: [] }, at, manager),
  };

  const tasks = {
    delegate: (taskId: string, at: string, dueBy: string) => send('DelegateTask', { taskId, title: 'count the stock of thread', detail: 'all stores', dueBy }, at, generalManager),
    report: (taskId: string, at: string) => send('ReportTaskResult', { taskId, result: 'counted' }, at, manager),
    withdraw: (taskId: string, at: string) => send('WithdrawTask', { taskId, reason: 'no longer needed' }, at, generalManager),
  };

  const staff = {
    join: (employeeId: string, at: string, position = 'AfterSalesSpecialist') => send('JoinDepartment', { employeeId, position, name: '张伟' }, at, manager),
    leave: (employeeId: string, at: string, reason: 'resigned' | 'dismissed' | 'transferred' | 'retired') => send('LeaveDepartment', { employeeId, reason }, at, manager),
  };

  const jobDescriptions = {
    /** Drafts, submits and approves a version at one instant, then explains it to the employees. */
    explain: async (positionId: string, version: number, at: string, employeeIds: readonly string[]) => {
      await send('DraftJobDescription', { positionId, version, duties: ['修复', '整理'] }, at, manager);
      await send('SubmitJobDescription', { positionId, version }, at, manager);
      await send('ApproveJobDescription', { positionId, version }, at, generalManager);
      return send('ExplainJobDescription', { positionId, version, employeeIds }, at, manager);
    },
    confirm: (positionId: string, version: number, employeeId: string, at: string) =>
      send('ConfirmJobDescription', { positionId, version, employeeId }, at, { id: employeeId, role: 'AfterSalesSpecialist' }),
  };

  /** The KPI facts over everything sent so far, folded in memory: the reference every backend is held to. */
  const facts = async (): Promise<KpiFacts> => {
    const events = await collect(store.readAll());
    if (E.isLeft(events)) throw new Error(events.left.message);
    const folded = emptyKpiFacts();
    for (const event of events.right) foldKpiFacts(folded, event);
    return folded;
  };

  return { store, send, order, standard, documents, appraisals, budgets, improvements, suggestions, tasks, staff, jobDescriptions, facts };
};

/** A business instant in 2026, Shanghai time: `at('03-02T09:00')`. */
export const at = (local: string): string => `2026-${local}:00+08:00`;

export const right = <A>(result: E.Either<string, A>): A => {
  if (E.isLeft(result)) expect.fail(result.left);
  return (result as E.Right<A>).right;
};

/** One item explained, from whichever subject gives it. */
export const explainKpiItem = (facts: KpiFacts, id: KpiId, itemId: string, options: { asOf: string; config?: KpiConfig }): E.Either<string, KpiItem | undefined> => {
  for (const subject of facts.subjects.values()) {
    const explained = explainSubject(subject, id, itemId, options);
    if (E.isLeft(explained) || explained.right !== undefined) return explained;
  }
  return E.right(undefined);
};

export const kpi = (facts: KpiFacts, id: KpiId, period: string, asOf: string, config?: KpiConfig): KpiResult => {
  const [result] = right(computeKpis(facts.subjects.values(), { period, asOf, kpis: [id], ...(config ? { config } : {}) }));
  return result!;
};

/** The figures a reader checks first. */
export const figures = (result: KpiResult) => ({
  numerator: result.numerator,
  denominator: result.denominator,
  rate: result.rate,
  met: result.met,
  missed: result.missed,
  pending: result.pending,
});
