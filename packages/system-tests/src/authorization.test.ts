import * as E from 'fp-ts/lib/Either.js';
import { afterAll, expect, it } from 'vitest';
import type { AppendResult, EventStore, EventToAppend, RecordedEvent, StoreError } from '@aftersales/core';
import { COMMAND_REFUSED, CommandRefused, InMemoryEventStore, SECURITY_LOG_PREFIX, createSecurityLog, logHeadOf } from '@aftersales/core';
import { GENESIS_HASH, sealEvents } from '@aftersales/core/adapter-kit';
import { createDepartment } from '@aftersales/domain';
import { STANDARD_ID, deliberateRefusals, simulateYear } from '@aftersales/domain/simulation';
import { readAllEvents } from './support.js';

const GM = 'GeneralManager';
const DM = 'DepartmentManager';
const SP = 'AfterSalesSpecialist';
const FIN = 'Finance';
const EP = 'BusinessEndpoint';
const DEP = 'Department';
const ROLES = [GM, DM, SP, FIN, EP, 'Auditor', DEP] as const;
/** The longest leave the department manager decides alone; a longer one is the general manager's. */
const MANAGER_LEAVE_DAYS = 3;

/** DOMAIN.md's "who" column, written out again here so that the test reads the contract, not the code. */
const WHO: Record<string, readonly string[]> = {
  ReceiveRepairOrder: [EP], ConfirmReceipt: [DM], ScheduleRepair: [DM], RescheduleRepair: [DM], StartRepair: [SP], CompleteRepair: [SP],
  InspectRepair: [DM], FinishGarment: [SP], InspectFinishing: [DM], PackageGarment: [SP], ReturnGarment: [SP], ConfirmReturn: [EP],
  RecordFeedback: [EP, DM], CancelRepairOrder: [EP, DM], CloseRepairOrder: [DM],
  DraftStandard: [DM], SubmitStandard: [DM], ApproveStandard: [GM], RejectStandard: [GM], PublishStandard: [DM], AcknowledgeStandard: [EP],
  RecordTraining: [DM], RecordAssessment: [DM], InspectCompliance: [DM], RetireStandard: [DM],
  PlanAppraisal: [DM], ScoreAppraisal: [DM], CompleteAppraisal: [DM], ProposeRecommendation: [DM], DecideRecommendation: [GM], AcknowledgeAppraisal: [SP],
  DraftBudget: [DM], SubmitBudget: [DM], ReviewBudget: [FIN], ApproveBudget: [GM], ClaimExpense: [SP, DM], ApproveExpense: [DM], RejectExpense: [DM],
  AdjustLine: [GM], CloseBudget: [FIN],
  PlanStandard: [DM],
  RaiseIssue: [DM, EP], RecordImprovement: [DEP, DM], VerifyImprovement: [DM], CancelIssue: [DM],
  ProposeSuggestion: [DM], DecideSuggestion: [DEP],
  DelegateTask: [GM], ReportTaskResult: [DM], WithdrawTask: [GM],
  JoinDepartment: [DM], LeaveDepartment: [DM], RequestLeave: [SP], DecideLeave: [DM, GM], RecordCare: [DM],
  DraftJobDescription: [DM], SubmitJobDescription: [DM], ApproveJobDescription: [GM], RejectJobDescription: [GM], ExplainJobDescription: [DM],
  ConfirmJobDescription: [SP], FileJobDescription: [DEP],
};

interface Known {
  readonly orderEndpoint: Map<string, string>;
  readonly assignedSpecialist: Map<string, string>;
  readonly appraisedEmployee: Map<string, string>;
  readonly claimant: Map<string, { readonly id: string; readonly role: string }>;
  readonly responsibleDepartment: Map<string, string>;
  readonly suggestedTo: Map<string, string>;
  readonly delegator: Map<string, string>;
  /** Each requested leave's length in calendar days, both ends included, by `<employeeId>/<leaveId>`. */
  readonly leaveDays: Map<string, number>;
}

const calendarDays = (from: string, to: string): number => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;

/** Who may send a command: DOMAIN.md's column, where a department manager's own claim is decided by the general manager. */
const whoMay = (command: SimulatedCommand, known: Known): readonly string[] =>
  (command.type === 'ApproveExpense' || command.type === 'RejectExpense') && known.claimant.get(command.data['expenseId']!)?.role === DM
    ? [GM]
    : WHO[command.type]!;

type SimulatedCommand = { type: string; data: Record<string, string>; metadata: { commandId: string; actor: { id: string; role: string }; at: string } };

/**
 * The rules of DOMAIN.md and docs/domain.md that the state decides, given that the role may send the
 * command: the identity that may (a string), the identity that may not (`{ not }`), no identity at
 * all (`'no one'`: a leave decided by the wrong one of the two managers), or anyone (undefined).
 */
const identityRule = (command: SimulatedCommand, role: string, known: Known): string | { readonly not: string } | 'no one' | undefined => {
  const { data } = command;
  switch (command.type) {
    case 'ReceiveRepairOrder':
    case 'AcknowledgeStandard':
      return data['endpointId'];
    case 'ConfirmReturn':
      return known.orderEndpoint.get(data['orderId']!);
    case 'RecordFeedback':
    case 'CancelRepairOrder':
      return role === EP ? known.orderEndpoint.get(data['orderId']!) : undefined;
    case 'StartRepair':
    case 'CompleteRepair':
      return known.assignedSpecialist.get(data['orderId']!);
    case 'AcknowledgeAppraisal':
      return known.appraisedEmployee.get(data['appraisalId']!);
    case 'ApproveExpense':
    case 'RejectExpense':
      return { not: known.claimant.get(data['expenseId']!)!.id };
    case 'RecordImprovement':
      return role === DEP ? known.responsibleDepartment.get(data['issueId']!) : undefined;
    case 'DecideSuggestion':
      return known.suggestedTo.get(data['suggestionId']!);
    case 'WithdrawTask':
      return known.delegator.get(data['taskId']!);
    case 'RequestLeave':
    case 'ConfirmJobDescription':
      return data['employeeId'];
    case 'DecideLeave': {
      const days = known.leaveDays.get(`${data['employeeId']}/${data['leaveId']}`)!;
      return role === (days > MANAGER_LEAVE_DAYS ? GM : DM) ? undefined : 'no one';
    }
    case 'FileJobDescription':
      return 'HR';
    default:
      return undefined;
  }
};

const learn = (command: SimulatedCommand, known: Known) => {
  const { data } = command;
  if (command.type === 'ReceiveRepairOrder') known.orderEndpoint.set(data['orderId']!, data['endpointId']!);
  if (command.type === 'ScheduleRepair') known.assignedSpecialist.set(data['orderId']!, data['specialistId']!);
  if (command.type === 'PlanAppraisal') known.appraisedEmployee.set(data['appraisalId']!, data['employeeId']!);
  if (command.type === 'ClaimExpense') known.claimant.set(data['expenseId']!, command.metadata.actor);
  if (command.type === 'RaiseIssue') known.responsibleDepartment.set(data['issueId']!, data['responsibleDepartment']!);
  if (command.type === 'ProposeSuggestion') known.suggestedTo.set(data['suggestionId']!, data['toDepartment']!);
  if (command.type === 'DelegateTask') known.delegator.set(data['taskId']!, command.metadata.actor.id);
  if (command.type === 'RequestLeave') known.leaveDays.set(`${data['employeeId']}/${data['leaveId']}`, calendarDays(data['from']!, data['to']!));
};

/**
 * Reads from a store but keeps every append to itself: a command through it is decided against the
 * real state and answered as if stored, and nothing changes. One probe per (command, role, identity).
 */
const dryRun = (inner: EventStore): EventStore => ({
  // What the store is and where its head stands are the inner store's: nothing is appended here.
  ...(inner.dbSystem === undefined ? {} : { dbSystem: inner.dbSystem }),
  ...logHeadOf(inner),
  appendToStream: async (streamId: string, events: readonly EventToAppend[]): Promise<E.Either<StoreError, AppendResult>> => {
    const sealed = sealEvents(streamId, 0, GENESIS_HASH, events, '2026-01-01T00:00:00.000Z');
    return E.right({ nextExpectedRevision: events.length - 1, events: sealed.map((event): RecordedEvent => ({ ...event, globalPosition: 0n })) });
  },
  readStream: (streamId, options) => inner.readStream(streamId, options),
  readAll: (options) => inner.readAll(options),
  subscribeToAll: (options) => inner.subscribeToAll(options),
  close: async () => {},
});

const figures = { probes: 0, accepted: 0, forbiddenByRole: 0, forbiddenByIdentity: 0, commands: 0 };
afterAll(() => console.info(`authorization: ${JSON.stringify(figures)}`));

it('every (command, role, identity) behaves as DOMAIN.md says, at every step of a simulated year, and every refusal is in the security log', { timeout: 300_000 }, async () => {
  const store = new InMemoryEventStore();
  const securityLog = createSecurityLog({ store });
  const department = createDepartment({ store, onRefused: securityLog.onRefused });
  const known: Known = {
    orderEndpoint: new Map(),
    assignedSpecialist: new Map(),
    appraisedEmployee: new Map(),
    claimant: new Map(),
    responsibleDepartment: new Map(),
    suggestedTo: new Map(),
    delegator: new Map(),
    leaveDays: new Map(),
  };
  const forbidden: { commandId: string; type: string; actor: { id: string; role: string } }[] = [];
  const seenTypes = new Set<string>();
  const mismatches: string[] = [];

  /** Probes every role with every identity that matters for this command, then sends the command itself. */
  const probeAndSend = async (command: SimulatedCommand) => {
    seenTypes.add(command.type);
    figures.commands += 1;
    const identities = new Set([command.metadata.actor.id, 'intruder-01']);
    for (const role of ROLES) {
      const rule = whoMay(command, known).includes(role) ? identityRule(command, role, known) : undefined;
      if (typeof rule === 'string' && rule !== 'no one') identities.add(rule);
      else if (typeof rule === 'object') identities.add(rule.not);
    }
    let probe = 0;
    for (const role of ROLES) {
      for (const id of identities) {
        probe += 1;
        const commandId = `${command.metadata.commandId}/probe-${probe}`;
        const variant = { ...command, metadata: { ...command.metadata, commandId, actor: { id, role } } };
        const roleAllowed = whoMay(command, known).includes(role);
        const rule = roleAllowed ? identityRule(command, role, known) : undefined;
        const identityAllowed = rule === undefined || (rule === 'no one' ? false : typeof rule === 'string' ? id === rule : id !== rule.not);
        const expected = !roleAllowed ? 'Forbidden (role)' : identityAllowed ? 'accepted' : 'Forbidden (identity)';
        const result = await createDepartment({ store: dryRun(store), onRefused: securityLog.onRefused }).handleUntrusted(variant);
        // The role table's refusals name the role; those the state decides (an identity, a leave's length) do not.
        const actual = E.isRight(result) ? 'accepted' : result.left.code === 'Forbidden' ? (/role|read-only/.test(result.left.message) ? 'Forbidden (role)' : 'Forbidden (identity)') : result.left.code;
        figures.probes += 1;
        if (actual !== expected) mismatches.push(`${command.type} by ${role} ${id}: expected ${expected}, got ${actual}${E.isLeft(result) ? ` (${result.left.message})` : ''}`);
        if (actual === 'accepted') figures.accepted += 1;
        if (actual === 'Forbidden (role)') figures.forbiddenByRole += 1;
        if (actual === 'Forbidden (identity)') figures.forbiddenByIdentity += 1;
        if (E.isLeft(result) && result.left.code === 'Forbidden') {
          forbidden.push({ commandId, type: command.type, actor: { id, role } });
          // The message says who was refused what.
          expect(result.left.message).toContain(command.type);
        }
      }
    }
    const real = await department.handleUntrusted(command);
    expect(E.isRight(real), `${command.metadata.commandId}: ${E.isLeft(real) ? real.left.message : ''}`).toBe(true);
    learn(command, known);
  };

  for (const simulated of simulateYear({ seed: 9, orders: 25 })) {
    const command = simulated as unknown as SimulatedCommand;
    if (!deliberateRefusals.has(command.metadata.commandId)) await probeAndSend(command);
  }
  // The year never retires its standard: the last command retires it.
  await probeAndSend({
    type: 'RetireStandard',
    data: { standardId: STANDARD_ID, reason: 'replaced by the 2027 standard' },
    metadata: { commandId: 'retire-standard', actor: { id: 'DM-01', role: DM }, at: '2026-12-31T18:00:00+08:00' },
  });

  expect(mismatches).toEqual([]);
  // Every command type of DOMAIN.md was probed.
  expect([...seenTypes].sort()).toEqual(Object.keys(WHO).sort());

  const logged = new Map<string, CommandRefused>();
  for (const event of await readAllEvents(store)) {
    if (!event.streamId.startsWith(SECURITY_LOG_PREFIX)) continue;
    expect(event.type).toBe(COMMAND_REFUSED);
    const refused = CommandRefused.parse(event.data);
    if (refused.commandId !== undefined) logged.set(refused.commandId, refused);
  }
  for (const attempt of forbidden) {
    expect(logged.get(attempt.commandId), attempt.commandId).toMatchObject({ code: 'Forbidden', commandType: attempt.type, actor: attempt.actor });
  }
});
