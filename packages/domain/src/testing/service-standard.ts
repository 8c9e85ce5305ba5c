import type { Actor } from '@aftersales/core';
import fc from 'fast-check';
import type { ServiceStandardCommandType, ServiceStandardEvent } from '../service-standard/index.js';

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
  metadata: { readonly commandId?: string; readonly at?: string } = {},
) => ({
  type,
  data: { standardId, ...data },
  metadata: { commandId: metadata.commandId ?? `${type}-1`, actor, at: metadata.at ?? '2026-03-02T09:00:00+08:00' },
});

/** Events of `STD-1`, one builder per event type. */
export const standardEvents = {
  drafted: (version: number, title = standardTitle, clauses = standardClauses): ServiceStandardEvent => ({
    type: 'StandardDrafted',
    data: { standardId, version, title, clauses },
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

/**
 * Any raw ServiceStandard command, valid or not: any role, any actor, versions around the ones a
 * short history reaches, and now and then data that fails validation.
 */
export const arbitraryStandardCommand = (): fc.Arbitrary<unknown> => {
  const version = fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, -1, 1.5));
  const endpointId = fc.constantFrom(...endpointIds);
  const score = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-5, 101, 59.5));
  const text = fc.oneof(fc.constantFrom('标准', '条款'), fc.constant(''));
  const data = fc.oneof(
    fc.record({ type: fc.constant('DraftStandard'), data: fc.record({ version, title: text, clauses: fc.array(text, { maxLength: 2 }) }) }),
    fc.record({ type: fc.constant('SubmitStandard'), data: fc.record({ version }) }),
    fc.record({ type: fc.constant('ApproveStandard'), data: fc.record({ version }) }),
    fc.record({ type: fc.constant('RejectStandard'), data: fc.record({ version, reason: text }) }),
    fc.record({
      type: fc.constant('PublishStandard'),
      data: fc.record({ version, endpointIds: fc.array(endpointId, { maxLength: 3 }) }),
    }),
    fc.record({ type: fc.constant('AcknowledgeStandard'), data: fc.record({ version, endpointId }) }),
    fc.record({
      type: fc.constant('RecordTraining'),
      data: fc.record({ version, endpointId, attendees: fc.array(fc.constantFrom('SP-1', 'SP-2'), { maxLength: 2 }) }),
    }),
    fc.record({
      type: fc.constant('RecordAssessment'),
      data: fc.record({ version, endpointId, employeeId: fc.constantFrom('SP-1', 'SP-2'), score, passMark: score }),
    }),
    fc.record({
      type: fc.constant('InspectCompliance'),
      data: fc.record({ version, endpointId, compliant: fc.boolean(), findings: fc.array(text, { maxLength: 2 }) }),
    }),
    fc.record({ type: fc.constant('RetireStandard'), data: fc.record({ reason: text }) }),
  );
  const actor = fc.record({ id: fc.constantFrom('DM-1', 'GM-1', ...endpointIds), role: fc.constantFrom(...roles) });
  return fc
    .tuple(data, actor, fc.nat({ max: 1_000_000 }))
    .map(([command, who, id]) =>
      standardCommand(command.type as ServiceStandardCommandType, command.data, who, { commandId: `c-${id}` }),
    );
};
