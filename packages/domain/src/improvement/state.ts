/** What an issue keeps from the moment it is raised. */
export interface ImprovementIssue {
  readonly issueId: string;
  readonly responsibleDepartment: string;
  readonly dueBy: string;
  /** How many improvements were found not effective so far. */
  readonly reopenings: number;
}

/**
 * An issue (问题改进): raised and open, waiting for verification once an improvement is recorded,
 * open again when it was not effective, closed when it was, or cancelled.
 */
export type ImprovementState =
  | { readonly status: 'New' }
  | (ImprovementIssue & { readonly status: 'Open' })
  | (ImprovementIssue & { readonly status: 'ImprovementRecorded'; readonly action: string })
  | (ImprovementIssue & { readonly status: 'Closed' })
  | (ImprovementIssue & { readonly status: 'Cancelled'; readonly reason: string });

export type ImprovementStatus = ImprovementState['status'];

export const initialImprovementState: ImprovementState = { status: 'New' };
