import { z } from 'zod';
import { commandSchema, Id, Instant, list, RequiredText } from '../shared/schemas.js';

/** Versions of a standard count 1, 2, 3 … */
export const StandardVersion = z.number().int('must be an integer').min(1, 'versions start at 1');

/** A score on a 0–100 scale, as assessments are marked. */
export const Score = z.number().min(0, 'must be at least 0').max(100, 'must be at most 100');

/** What a document of the department is (制度、流程、工具、标准): a service standard, a management rule, a process or a tool. */
export const DocumentKind = z.enum(['standard', 'rule', 'process', 'tool']);
export type DocumentKind = z.infer<typeof DocumentKind>;

const distinctIds = (what: string) => list(Id, { min: 1, distinct: true, what });

export const PlanStandard = commandSchema(
  'PlanStandard',
  z.strictObject({ standardId: Id, version: StandardVersion, title: RequiredText, kind: DocumentKind, dueBy: Instant }),
);
export type PlanStandard = z.infer<typeof PlanStandard>;

export const DraftStandard = commandSchema(
  'DraftStandard',
  z.strictObject({
    standardId: Id,
    version: StandardVersion,
    title: RequiredText,
    clauses: list(RequiredText, { min: 1, what: 'clause' }),
    /** A document drafted without a kind is a service standard, or the kind it was planned as. */
    kind: DocumentKind.optional(),
  }),
);
export type DraftStandard = z.infer<typeof DraftStandard>;

export const SubmitStandard = commandSchema('SubmitStandard', z.strictObject({ standardId: Id, version: StandardVersion }));
export type SubmitStandard = z.infer<typeof SubmitStandard>;

export const ApproveStandard = commandSchema('ApproveStandard', z.strictObject({ standardId: Id, version: StandardVersion }));
export type ApproveStandard = z.infer<typeof ApproveStandard>;

export const RejectStandard = commandSchema(
  'RejectStandard',
  z.strictObject({ standardId: Id, version: StandardVersion, reason: RequiredText }),
);
export type RejectStandard = z.infer<typeof RejectStandard>;

export const PublishStandard = commandSchema(
  'PublishStandard',
  z.strictObject({ standardId: Id, version: StandardVersion, endpointIds: distinctIds('endpoint') }),
);
export type PublishStandard = z.infer<typeof PublishStandard>;

export const AcknowledgeStandard = commandSchema(
  'AcknowledgeStandard',
  z.strictObject({ standardId: Id, version: StandardVersion, endpointId: Id }),
);
export type AcknowledgeStandard = z.infer<typeof AcknowledgeStandard>;

export const RecordTraining = commandSchema(
  'RecordTraining',
  z.strictObject({ standardId: Id, version: StandardVersion, endpointId: Id, attendees: distinctIds('attendee') }),
);
export type RecordTraining = z.infer<typeof RecordTraining>;

export const RecordAssessment = commandSchema(
  'RecordAssessment',
  z.strictObject({
    standardId: Id,
    version: StandardVersion,
    endpointId: Id,
    employeeId: Id,
    score: Score,
    passMark: Score,
  }),
);
export type RecordAssessment = z.infer<typeof RecordAssessment>;

export const InspectCompliance = commandSchema(
  'InspectCompliance',
  z
    .strictObject({
      standardId: Id,
      version: StandardVersion,
      endpointId: Id,
      compliant: z.boolean(),
      findings: list(RequiredText, { what: 'finding' }),
    })
    // A failed inspection without findings gives the endpoint nothing to correct.
    .refine((data) => data.compliant || data.findings.length > 0, {
      path: ['findings'],
      message: 'a non-compliant inspection must list at least one finding',
    }),
);
export type InspectCompliance = z.infer<typeof InspectCompliance>;

export const RetireStandard = commandSchema('RetireStandard', z.strictObject({ standardId: Id, reason: RequiredText }));
export type RetireStandard = z.infer<typeof RetireStandard>;

export const ServiceStandardCommand = z.discriminatedUnion('type', [
  PlanStandard,
  DraftStandard,
  SubmitStandard,
  ApproveStandard,
  RejectStandard,
  PublishStandard,
  AcknowledgeStandard,
  RecordTraining,
  RecordAssessment,
  InspectCompliance,
  RetireStandard,
]);
export type ServiceStandardCommand = z.infer<typeof ServiceStandardCommand>;
export type ServiceStandardCommandType = ServiceStandardCommand['type'];

export const serviceStandardCommandTypes: readonly ServiceStandardCommandType[] = ServiceStandardCommand.options.map(
  (option) => option.shape.type.value,
);
