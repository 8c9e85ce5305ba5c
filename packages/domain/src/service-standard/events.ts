import { z } from 'zod';
import { eventSchema, StoredInstant } from '../shared/schemas.js';
import { DocumentKind } from './commands.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.
const StandardId = z.string().min(1);
const Version = z.number().int().min(1);

export const StandardPlanned = eventSchema(
  'StandardPlanned',
  z.object({ standardId: StandardId, version: Version, title: z.string(), kind: DocumentKind, dueBy: StoredInstant }),
);
export type StandardPlanned = z.infer<typeof StandardPlanned>;

/** Schema version 2 carries the document's `kind`; a version 1 record is upcast to `standard` (see upcasters.ts). */
export const StandardDrafted = eventSchema(
  'StandardDrafted',
  z.object({ standardId: StandardId, version: Version, title: z.string(), clauses: z.array(z.string()), kind: DocumentKind }),
);
export type StandardDrafted = z.infer<typeof StandardDrafted>;

export const StandardSubmitted = eventSchema('StandardSubmitted', z.object({ standardId: StandardId, version: Version }));
export type StandardSubmitted = z.infer<typeof StandardSubmitted>;

export const StandardApproved = eventSchema('StandardApproved', z.object({ standardId: StandardId, version: Version }));
export type StandardApproved = z.infer<typeof StandardApproved>;

export const StandardRejected = eventSchema(
  'StandardRejected',
  z.object({ standardId: StandardId, version: Version, reason: z.string() }),
);
export type StandardRejected = z.infer<typeof StandardRejected>;

export const StandardPublished = eventSchema(
  'StandardPublished',
  z.object({ standardId: StandardId, version: Version, endpointIds: z.array(z.string()) }),
);
export type StandardPublished = z.infer<typeof StandardPublished>;

export const StandardSuperseded = eventSchema(
  'StandardSuperseded',
  z.object({ standardId: StandardId, version: Version, supersededBy: Version }),
);
export type StandardSuperseded = z.infer<typeof StandardSuperseded>;

export const StandardAcknowledged = eventSchema(
  'StandardAcknowledged',
  z.object({ standardId: StandardId, version: Version, endpointId: z.string() }),
);
export type StandardAcknowledged = z.infer<typeof StandardAcknowledged>;

export const TrainingRecorded = eventSchema(
  'TrainingRecorded',
  z.object({ standardId: StandardId, version: Version, endpointId: z.string(), attendees: z.array(z.string()) }),
);
export type TrainingRecorded = z.infer<typeof TrainingRecorded>;

export const AssessmentRecorded = eventSchema(
  'AssessmentRecorded',
  z.object({
    standardId: StandardId,
    version: Version,
    endpointId: z.string(),
    employeeId: z.string(),
    score: z.number(),
    passMark: z.number(),
    passed: z.boolean(),
  }),
);
export type AssessmentRecorded = z.infer<typeof AssessmentRecorded>;

export const ComplianceInspected = eventSchema(
  'ComplianceInspected',
  z.object({
    standardId: StandardId,
    version: Version,
    endpointId: z.string(),
    compliant: z.boolean(),
    findings: z.array(z.string()),
  }),
);
export type ComplianceInspected = z.infer<typeof ComplianceInspected>;

export const StandardRetired = eventSchema('StandardRetired', z.object({ standardId: StandardId, reason: z.string() }));
export type StandardRetired = z.infer<typeof StandardRetired>;

export const ServiceStandardEvent = z.discriminatedUnion('type', [
  StandardPlanned,
  StandardDrafted,
  StandardSubmitted,
  StandardApproved,
  StandardRejected,
  StandardPublished,
  StandardSuperseded,
  StandardAcknowledged,
  TrainingRecorded,
  AssessmentRecorded,
  ComplianceInspected,
  StandardRetired,
]);
export type ServiceStandardEvent = z.infer<typeof ServiceStandardEvent>;
export type ServiceStandardEventType = ServiceStandardEvent['type'];

export const serviceStandardEventTypes: readonly ServiceStandardEventType[] = ServiceStandardEvent.options.map(
  (option) => option.shape.type.value,
);
