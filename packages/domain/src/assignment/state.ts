export interface DelegatedTask {
  readonly taskId: string;
  readonly dueBy: string;
  /** The general manager who delegated it: the one who may withdraw it and to whom the result goes. */
  readonly delegatedBy: string;
}

/** A delegated task (委派工作): delegated, then either reported on or withdrawn, for good. */
export type AssignmentState =
  | { readonly status: 'New' }
  | (DelegatedTask & { readonly status: 'Delegated' })
  | (DelegatedTask & { readonly status: 'Reported' })
  | (DelegatedTask & { readonly status: 'Withdrawn'; readonly reason: string });

export type AssignmentStatus = AssignmentState['status'];

export const initialAssignmentState: AssignmentState = { status: 'New' };
