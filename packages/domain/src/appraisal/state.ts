import type { Rating, RecommendationKind } from './commands.js';

export interface Plan {
  readonly appraisalId: string;
  readonly employeeId: string;
  readonly cycle: string;
  readonly dueBy: string;
}

export interface Result {
  readonly scores: Readonly<Record<string, number>>;
  readonly rating: Rating;
  readonly competent: boolean;
}

export interface OpenRecommendation {
  readonly kind: RecommendationKind;
  readonly detail: string;
}

/** An appraisal (绩效考核): planned, scored (possibly again), then completed for good. */
export type AppraisalState =
  | { readonly status: 'New' }
  | (Plan & { readonly status: 'Planned' })
  | (Plan & Result & { readonly status: 'Scored' })
  | (Plan &
      Result & {
        readonly status: 'Completed';
        /** The proposal waiting for the general manager, if any: one at a time. */
        readonly openRecommendation: OpenRecommendation | undefined;
        readonly acknowledged: boolean;
      });

export type AppraisalStatus = AppraisalState['status'];

export const initialAppraisalState: AppraisalState = { status: 'New' };
