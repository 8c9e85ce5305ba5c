import type { Actor } from '@aftersales/core';
import fc from 'fast-check';
import type { CommandMetadataOptions } from './state-machine.js';
import type { AppraisalCommandType, AppraisalEvent } from '../appraisal/index.js';

export const appraisalId = 'AP-1';
export const employeeId = 'SP-7';
export const plannedAt = '2026-07-01T09:00:00+08:00';
export const dueBy = '2026-09-30T18:00:00+08:00';
export const scores = { 修复质量: 92, 及时性: 85 };

export const departmentManager: Actor = { id: 'DM-1', role: 'DepartmentManager' };
export const generalManager: Actor = { id: 'GM-1', role: 'GeneralManager' };
export const specialist = (id: string = employeeId): Actor => ({ id, role: 'AfterSalesSpecialist' });

/** A raw command as JSON would carry it, for `AP-1` unless the data says otherwise. */
export const appraisalCommand = (
  type: AppraisalCommandType,
  data: Record<string, unknown> = {},
  actor: Actor = departmentManager,
  metadata: CommandMetadataOptions = {},
) => ({
  type,
  data: { appraisalId, ...data },
  metadata: { commandId: metadata.commandId ?? `${type}-1`, actor, at: metadata.at ?? plannedAt },
});

/** Events of `AP-1`, one builder per event type. */
export const appraisalEvents = {
  planned: (): AppraisalEvent => ({ type: 'AppraisalPlanned', data: { appraisalId, employeeId, cycle: '2026-Q3', dueBy } }),
  scored: (rating: 'A' | 'B' | 'C' | 'D' = 'B', competent = true): AppraisalEvent => ({
    type: 'AppraisalScored',
    data: { appraisalId, scores, rating, competent },
  }),
  completed: (rating: 'A' | 'B' | 'C' | 'D' = 'B', competent = true): AppraisalEvent => ({
    type: 'AppraisalCompleted',
    data: { appraisalId, employeeId, rating, competent },
  }),
  proposed: (kind: 'gradeChange' | 'reward' = 'reward', detail = '季度修复零返工'): AppraisalEvent => ({
    type: 'RecommendationProposed',
    data: { appraisalId, kind, detail },
  }),
  decided: (kind: 'gradeChange' | 'reward' = 'reward', approved = true, reason = '同意'): AppraisalEvent => ({
    type: 'RecommendationDecided',
    data: { appraisalId, kind, approved, reason },
  }),
  acknowledged: (): AppraisalEvent => ({ type: 'AppraisalAcknowledged', data: { appraisalId, employeeId } }),
};

export const plannedAppraisal: readonly AppraisalEvent[] = [appraisalEvents.planned()];
export const scoredAppraisal: readonly AppraisalEvent[] = [...plannedAppraisal, appraisalEvents.scored()];
export const completedAppraisal: readonly AppraisalEvent[] = [...scoredAppraisal, appraisalEvents.completed()];

const roles = ['GeneralManager', 'DepartmentManager', 'AfterSalesSpecialist', 'Finance', 'BusinessEndpoint', 'Auditor'] as const;

const properRole: Readonly<Record<AppraisalCommandType, Actor['role']>> = {
  PlanAppraisal: 'DepartmentManager',
  ScoreAppraisal: 'DepartmentManager',
  CompleteAppraisal: 'DepartmentManager',
  ProposeRecommendation: 'DepartmentManager',
  DecideRecommendation: 'GeneralManager',
  AcknowledgeAppraisal: 'AfterSalesSpecialist',
};

const properActor = (type: AppraisalCommandType): Actor => {
  const role = properRole[type];
  return { id: role === 'AfterSalesSpecialist' ? employeeId : role === 'GeneralManager' ? 'GM-1' : 'DM-1', role };
};

/**
 * Any raw Appraisal command, valid or not: mostly sent by the role (and person) that may send it, so
 * that histories get somewhere, otherwise by any actor in any role; now and then invalid data.
 */
export const arbitraryAppraisalCommand = (): fc.Arbitrary<unknown> => {
  const score = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100 }), weight: 8 }, { arbitrary: fc.constantFrom(-1, 100.5), weight: 1 });
  const data = fc.oneof(
    fc.record({
      type: fc.constant('PlanAppraisal' as const),
      data: fc.record({
        employeeId: fc.constantFrom(employeeId, employeeId, 'SP-8'),
        cycle: fc.constantFrom('2026-Q3', '2026', '2026-13'),
        dueBy: fc.constantFrom(dueBy, dueBy, '2026-01-01T00:00:00Z', 'tomorrow'),
      }),
    }),
    fc.record({
      type: fc.constant('ScoreAppraisal' as const),
      data: fc.record({
        scores: fc.dictionary(fc.constantFrom('修复质量', '及时性'), score, { minKeys: 1, maxKeys: 2 }),
        rating: fc.constantFrom('A', 'B', 'C', 'D', 'D', 'E'),
        competent: fc.boolean(),
      }),
    }),
    fc.record({ type: fc.constant('CompleteAppraisal' as const), data: fc.constant({}) }),
    fc.record({
      type: fc.constant('ProposeRecommendation' as const),
      data: fc.record({ kind: fc.constantFrom('gradeChange', 'reward', 'penalty', 'promotion'), detail: fc.constantFrom('说明', '说明', '') }),
    }),
    fc.record({
      type: fc.constant('DecideRecommendation' as const),
      data: fc.record({ approved: fc.boolean(), reason: fc.constantFrom('同意', '同意', '') }),
    }),
    fc.record({ type: fc.constant('AcknowledgeAppraisal' as const), data: fc.constant({}) }),
  );
  const anyActor = fc.record({ id: fc.constantFrom('DM-1', 'GM-1', employeeId, 'SP-8'), role: fc.constantFrom(...roles) });
  return fc
    .tuple(data, anyActor, fc.integer({ min: 0, max: 4 }), fc.nat({ max: 1_000_000 }))
    .map(([{ type, data: commandData }, someone, dice, id]) =>
      appraisalCommand(type, commandData, dice === 0 ? someone : properActor(type), { commandId: `c-${id}` }),
    );
};

/** The commands that take `AP-1` through planning and scoring to completion, as raw JSON. */
export const completeAppraisalCommands: readonly unknown[] = [
  appraisalCommand('PlanAppraisal', { employeeId, cycle: '2026-Q3', dueBy }, departmentManager, { commandId: 'p-1' }),
  appraisalCommand('ScoreAppraisal', { scores, rating: 'B', competent: true }, departmentManager, { commandId: 'p-2' }),
  appraisalCommand('CompleteAppraisal', {}, departmentManager, { commandId: 'p-3' }),
];

/** Command sequences for properties; half of them start from a completed appraisal so that recommendations get exercised. */
export const arbitraryAppraisalCommands = (maxLength = 30): fc.Arbitrary<readonly unknown[]> =>
  fc
    .tuple(fc.boolean(), fc.array(arbitraryAppraisalCommand(), { maxLength, size: 'max' }))
    .map(([fromCompleted, commands]) => (fromCompleted ? [...completeAppraisalCommands, ...commands] : commands));
