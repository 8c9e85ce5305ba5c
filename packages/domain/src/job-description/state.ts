/** The explanation, confirmation and filing of an approved version. */
export interface JobDescriptionRollout {
  /** The employees it was explained to (讲解): each must confirm it. */
  readonly explainedTo: readonly string[];
  /** The employees who confirmed it (确认). */
  readonly confirmedBy: readonly string[];
  /** Filed with HR (备案). */
  readonly filed: boolean;
}

export interface JobDescriptionText {
  readonly version: number;
  readonly duties: readonly string[];
}

/** One version's life: Draft → Submitted → Approved | Rejected; a rejected version is drafted again under its number. */
export type JobDescriptionVersionState =
  | (JobDescriptionText & { readonly status: 'Draft' })
  | (JobDescriptionText & { readonly status: 'Submitted' })
  | (JobDescriptionText & { readonly status: 'Rejected'; readonly reason: string })
  | (JobDescriptionText & JobDescriptionRollout & { readonly status: 'Approved' });

export type JobDescriptionVersionStatus = JobDescriptionVersionState['status'];

/** A position's job description (岗位职责说明书): nothing yet, or its versions in order (version n at index n − 1). */
export type JobDescriptionState =
  | { readonly status: 'New' }
  | { readonly status: 'Established'; readonly positionId: string; readonly versions: readonly JobDescriptionVersionState[] };

export const initialJobDescriptionState: JobDescriptionState = { status: 'New' };

/** The newest approved version: the one in force, which the manager explains. */
export const approvedVersion = (
  versions: readonly JobDescriptionVersionState[],
): Extract<JobDescriptionVersionState, { status: 'Approved' }> | undefined =>
  versions.findLast((entry): entry is Extract<JobDescriptionVersionState, { status: 'Approved' }> => entry.status === 'Approved');
