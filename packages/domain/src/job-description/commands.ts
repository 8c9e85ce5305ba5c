import { z } from 'zod';
import { commandSchema, Id, list, RequiredText } from '../shared/schemas.js';
import { StandardVersion } from '../service-standard/commands.js';

/** Versions of a job description count 1, 2, 3 …, like a standard's. */
export const JobDescriptionVersion = StandardVersion;

export const DraftJobDescription = commandSchema(
  'DraftJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion, duties: list(RequiredText, { min: 1, what: 'duty' }) }),
);
export type DraftJobDescription = z.infer<typeof DraftJobDescription>;

export const SubmitJobDescription = commandSchema(
  'SubmitJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion }),
);
export type SubmitJobDescription = z.infer<typeof SubmitJobDescription>;

export const ApproveJobDescription = commandSchema(
  'ApproveJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion }),
);
export type ApproveJobDescription = z.infer<typeof ApproveJobDescription>;

export const RejectJobDescription = commandSchema(
  'RejectJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion, reason: RequiredText }),
);
export type RejectJobDescription = z.infer<typeof RejectJobDescription>;

export const ExplainJobDescription = commandSchema(
  'ExplainJobDescription',
  z.strictObject({
    positionId: Id,
    version: JobDescriptionVersion,
    employeeIds: list(Id, { min: 1, distinct: true, what: 'employee' }),
  }),
);
export type ExplainJobDescription = z.infer<typeof ExplainJobDescription>;

export const ConfirmJobDescription = commandSchema(
  'ConfirmJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion, employeeId: Id }),
);
export type ConfirmJobDescription = z.infer<typeof ConfirmJobDescription>;

export const FileJobDescription = commandSchema(
  'FileJobDescription',
  z.strictObject({ positionId: Id, version: JobDescriptionVersion }),
);
export type FileJobDescription = z.infer<typeof FileJobDescription>;

export const JobDescriptionCommand = z.discriminatedUnion('type', [
  DraftJobDescription,
  SubmitJobDescription,
  ApproveJobDescription,
  RejectJobDescription,
  ExplainJobDescription,
  ConfirmJobDescription,
  FileJobDescription,
]);
export type JobDescriptionCommand = z.infer<typeof JobDescriptionCommand>;
export type JobDescriptionCommandType = JobDescriptionCommand['type'];

export const jobDescriptionCommandTypes: readonly JobDescriptionCommandType[] = JobDescriptionCommand.options.map(
  (option) => option.shape.type.value,
);
