import { z } from 'zod';
import { eventSchema, StoredId, StoredText } from '../shared/schemas.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.
const Version = z.number().int().min(1);

export const JobDescriptionDrafted = eventSchema(
  'JobDescriptionDrafted',
  z.object({ positionId: StoredId, version: Version, duties: z.array(StoredText) }),
);
export type JobDescriptionDrafted = z.infer<typeof JobDescriptionDrafted>;

export const JobDescriptionSubmitted = eventSchema('JobDescriptionSubmitted', z.object({ positionId: StoredId, version: Version }));
export type JobDescriptionSubmitted = z.infer<typeof JobDescriptionSubmitted>;

export const JobDescriptionApproved = eventSchema('JobDescriptionApproved', z.object({ positionId: StoredId, version: Version }));
export type JobDescriptionApproved = z.infer<typeof JobDescriptionApproved>;

export const JobDescriptionRejected = eventSchema(
  'JobDescriptionRejected',
  z.object({ positionId: StoredId, version: Version, reason: StoredText }),
);
export type JobDescriptionRejected = z.infer<typeof JobDescriptionRejected>;

/** The employees named must now confirm this version; each (employee, version) pair is one item of 岗位职责知晓率. */
export const JobDescriptionExplained = eventSchema(
  'JobDescriptionExplained',
  z.object({ positionId: StoredId, version: Version, employeeIds: z.array(StoredId) }),
);
export type JobDescriptionExplained = z.infer<typeof JobDescriptionExplained>;

export const JobDescriptionConfirmed = eventSchema(
  'JobDescriptionConfirmed',
  z.object({ positionId: StoredId, version: Version, employeeId: StoredId }),
);
export type JobDescriptionConfirmed = z.infer<typeof JobDescriptionConfirmed>;

export const JobDescriptionFiled = eventSchema('JobDescriptionFiled', z.object({ positionId: StoredId, version: Version }));
export type JobDescriptionFiled = z.infer<typeof JobDescriptionFiled>;

export const JobDescriptionEvent = z.discriminatedUnion('type', [
  JobDescriptionDrafted,
  JobDescriptionSubmitted,
  JobDescriptionApproved,
  JobDescriptionRejected,
  JobDescriptionExplained,
  JobDescriptionConfirmed,
  JobDescriptionFiled,
]);
export type JobDescriptionEvent = z.infer<typeof JobDescriptionEvent>;
export type JobDescriptionEventType = JobDescriptionEvent['type'];

export const jobDescriptionEventTypes: readonly JobDescriptionEventType[] = JobDescriptionEvent.options.map(
  (option) => option.shape.type.value,
);
