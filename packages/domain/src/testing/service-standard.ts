import type { Actor } from '@aftersales/core';
import fc from 'fast-check';
import type { CommandMetadataOptions } from './state-machine.js';
import type { DocumentKind, ServiceStandardCommandType, ServiceStandardEvent } from '../service-standard/index.js';

export const standardId = 'STD-1';
export const standardTitle = '门店收衣规范';
export const standardClauses = ['当面检查衣物并登记瑕疵', '告知客户预计完成日期'];

export const departmentManager: Actor = { id: 'DM-1', role: 'DepartmentManager' };
export const generalManager: Actor = { id: 'GM-1', role: 'GeneralManager' };
export const endpoint = (id: string): Actor => ({ id, role: 'BusinessEndpoint' });

/** A raw command as JSON would carry it, for `STD-1` unless the data says otherwise. */
export const standardCommand = (
  type: ServiceStandardCommandType,
  data: Record<string, unknown>,
  actor: Actor = departmentManager,
  metadata: CommandMetadataOptions = {},
) => ({
  type,
  data: { standardId, ...data },
  metadata: { commandId: metadata.commandId ?? `${type}-1`, actor, at: metadata.at ?? '2026-03-02T09:00:00+08:00' },
});

/** Events of `STD-1`, one builder per event type. */
export const standardEvents = {
  planned: (version: number, dueBy = '2026-03-31T18:00:00+08:00', kind: DocumentKind = 'rule'): ServiceStandardEvent => ({
    type: 'StandardPlanned',
    data: { standardId, version, title: standardTitle, kind, dueBy },
  }),
  drafted: (version: number, title = standardTitle, clauses = standardClauses, kind: DocumentKind = 'standard'): ServiceStandardEvent => ({
    type: 'StandardDrafted',
    data: { standardId, version, title, clauses, kind },
  }),
  submitted: (version: number): ServiceStandardEvent => ({ type: 'StandardSubmitted', data: { standardId, version } }),
  approved: (version: number): ServiceStandardEvent => ({ type: 'StandardApproved', data: { standardId, version } }),
  rejected: (version: number, reason = '条款不完整'): ServiceStandardEvent => ({
    type: 'StandardRejected',
    data: { standardId, version, reason },
  }),
  published: (version: number, endpointIds: readonly string[] = ['EP-01', 'EP-02']): ServiceStandardEvent => ({
    type: 'StandardPublished',
    data: { standardId, version, endpointIds: [...endpointIds] },
  }),
  superseded: (version: number, supersededBy: number): ServiceStandardEvent => ({
    type: 'StandardSuperseded',
    data: { standardId, version, supersededBy },
  }),
  acknowledged: (version: number, endpointId: string): ServiceStandardEvent => ({
    type: 'StandardAcknowledged',
    data: { standardId, version, endpointId },
  }),
  retired: (reason = '并入新标准'): ServiceStandardEvent => ({ type: 'StandardRetired', data: { standardId, reason } }),
};

/** Version n drafted, submitted and approved. */
export const approvedVersion = (version: number): ServiceStandardEvent[] => [
  standardEvents.drafted(version),
  standardEvents.submitted(version),
  standardEvents.approved(version),
];

/** Version 1 approved and published to EP-01 and EP-02. */
export const publishedV1: readonly ServiceStandardEvent[] = [...approvedVersion(1), standardEvents.published(1)];

/** Version 2 published over version 1, which is now superseded. */
export const publishedV2: readonly ServiceStandardEvent[] = [
  ...publishedV1,
  ...approvedVersion(2),
  standardEvents.published(2),
  standardEvents.superseded(1, 2),
];

const roles = ['GeneralManager', 'DepartmentManager', 'AfterSalesSpecialist', 'Finance', 'BusinessEndpoint', 'Auditor'] as const;
const endpointIds = ['EP-01', 'EP-02', 'EP-03'] as const;

const properRole: Readonly<Record<ServiceStandardCommandType, Actor['role']>> = {
  PlanStandard: 'DepartmentManager',
  DraftStandard: 'DepartmentManager',
  SubmitStandard: 'DepartmentManager',
  ApproveStandard: 'GeneralManager',
  RejectStandard: 'GeneralManager',
  PublishStandard: 'DepartmentManager',
  AcknowledgeStandard: 'BusinessEndpoint',
  RecordTraining: 'DepartmentManager',
  RecordAssessment: 'DepartmentManager',
  InspectCompliance: 'DepartmentManager',
  RetireStandard: 'DepartmentManager',
};

/**
 * Any raw ServiceStandard command, valid or not: mostly sent by the role that may send it (so that
 * histories get somewhere), otherwise by any actor in any role, with versions around the ones a
 * short history reaches and now and then data that fails validation.
 */
export const arbitraryStandardCommand = (): fc.Arbitrary<unknown> => {
  const version = fc.oneof(
    { arbitrary: fc.constant(1), weight: 6 },
    { arbitrary: fc.constant(2), weight: 4 },
    { arbitrary: fc.constant(3), weight: 2 },
    { arbitrary: fc.constantFrom(0, 1.5, 4), weight: 1 },
  );
  const endpointId = fc.constantFrom(...endpointIds);
  const score = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 100 }), weight: 8 }, { arbitrary: fc.constantFrom(-5, 101, 59.5), weight: 1 });
  const text = fc.oneof({ arbitrary: fc.constantFrom('标准', '条款'), weight: 8 }, { arbitrary: fc.constant(''), weight: 1 });
  const retire = fc.record({ type: fc.constant('RetireStandard' as const), data: fc.record({ reason: text }) });
  const kind = fc.constantFrom('standard', 'rule', 'process', 'tool');
  const dueBy = fc.constantFrom('2026-03-31T18:00:00+08:00', '2026-01-01T00:00:00Z');
  const data = fc.oneof(
    { arbitrary: fc.record({ type: fc.constant('PlanStandard' as const), data: fc.record({ version, title: text, kind, dueBy }) }), weight: 4 },
    {
      arbitrary: fc.record({
        type: fc.constant('DraftStandard' as const),
        data: fc.record({ version, title: text, clauses: fc.array(text, { minLength: 1, maxLength: 2 }), kind }, { requiredKeys: ['version', 'title', 'clauses'] }),
      }),
      weight: 9,
    },
    { arbitrary: fc.record({ type: fc.constant('SubmitStandard' as const), data: fc.record({ version }) }), weight: 9 },
    { arbitrary: fc.record({ type: fc.constant('ApproveStandard' as const), data: fc.record({ version }) }), weight: 9 },
    { arbitrary: fc.record({ type: fc.constant('RejectStandard' as const), data: fc.record({ version, reason: text }) }), weight: 3 },
    {
      arbitrary: fc.record({
        type: fc.constant('PublishStandard' as const),
        data: fc.record({ version, endpointIds: fc.uniqueArray(endpointId, { minLength: 1, maxLength: 3 }) }),
      }),
      weight: 9,
    },
    { arbitrary: fc.record({ type: fc.constant('AcknowledgeStandard' as const), data: fc.record({ version, endpointId }) }), weight: 9 },
    {
      arbitrary: fc.record({
        type: fc.constant('RecordTraining' as const),
        data: fc.record({ version, endpointId, attendees: fc.uniqueArray(fc.constantFrom('SP-1', 'SP-2'), { maxLength: 2 }) }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        type: fc.constant('RecordAssessment' as const),
        data: fc.record({ version, endpointId, employeeId: fc.constantFrom('SP-1', 'SP-2'), score, passMark: score }),
      }),
      weight: 6,
    },
    {
      arbitrary: fc.record({
        type: fc.constant('InspectCompliance' as const),
        data: fc.record({ version, endpointId, compliant: fc.boolean(), findings: fc.array(text, { maxLength: 2 }) }),
      }),
      weight: 3,
    },
    // Retirement ends a history, so it stays rare enough for histories to get somewhere first.
    { arbitrary: retire, weight: 1 },
  );
  const anyActor = fc.record({ id: fc.constantFrom('DM-1', 'GM-1', ...endpointIds), role: fc.constantFrom(...roles) });
  return fc
    .tuple(data, anyActor, fc.integer({ min: 0, max: 4 }), fc.nat({ max: 1_000_000 }))
    .map(([{ type, data: commandData }, someone, dice, id]) => {
      const role = properRole[type];
      const ownId = 'endpointId' in commandData && role === 'BusinessEndpoint' ? commandData.endpointId : role === 'GeneralManager' ? 'GM-1' : 'DM-1';
      const actor = dice === 0 ? someone : { id: ownId, role };
      return standardCommand(type, commandData, actor, { commandId: `c-${id}` });
    });
};

/** The commands that take `STD-1` to version 1 published to EP-01 and EP-02, as raw JSON. */
export const publishV1Commands: readonly unknown[] = [
  standardCommand('DraftStandard', { version: 1, title: standardTitle, clauses: standardClauses }, departmentManager, { commandId: 'p-1' }),
  standardCommand('SubmitStandard', { version: 1 }, departmentManager, { commandId: 'p-2' }),
  standardCommand('ApproveStandard', { version: 1 }, generalManager, { commandId: 'p-3' }),
  standardCommand('PublishStandard', { version: 1, endpointIds: ['EP-01', 'EP-02'] }, departmentManager, { commandId: 'p-4' }),
];

/** The commands that then take `STD-1` to version 2 approved, ready to supersede version 1. */
export const approveV2Commands: readonly unknown[] = [
  standardCommand('DraftStandard', { version: 2, title: standardTitle, clauses: standardClauses }, departmentManager, { commandId: 'p-5' }),
  standardCommand('SubmitStandard', { version: 2 }, departmentManager, { commandId: 'p-6' }),
  standardCommand('ApproveStandard', { version: 2 }, generalManager, { commandId: 'p-7' }),
];

/**
 * Command sequences for properties. Some start from a published version 1, some from version 2
 * approved on top of it, so that the later rules (acknowledging, superseding) get exercised.
 */
export const arbitraryStandardCommands = (maxLength = 40): fc.Arbitrary<readonly unknown[]> =>
  fc
    .tuple(fc.constantFrom(0, 1, 2), fc.array(arbitraryStandardCommand(), { maxLength, size: 'max' }))
    .map(([start, commands]) => [
      ...(start >= 1 ? publishV1Commands : []),
      ...(start >= 2 ? approveV2Commands : []),
      ...commands,
    ]);
