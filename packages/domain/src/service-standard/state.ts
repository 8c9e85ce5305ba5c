/** What every version of a standard keeps, whatever its status. */
export interface VersionText {
  readonly version: number;
  readonly title: string;
  readonly clauses: readonly string[];
}

/** The endpoints a version went to and which of them have acknowledged it. */
export interface Distribution {
  readonly endpointIds: readonly string[];
  readonly acknowledgedBy: readonly string[];
}

/** One version's life: Draft → Submitted → Approved | Rejected; Approved → Published → Superseded. */
export type StandardVersionState =
  | (VersionText & { readonly status: 'Draft' })
  | (VersionText & { readonly status: 'Submitted' })
  | (VersionText & { readonly status: 'Approved' })
  | (VersionText & { readonly status: 'Rejected'; readonly reason: string })
  | (VersionText & Distribution & { readonly status: 'Published' })
  | (VersionText & Distribution & { readonly status: 'Superseded'; readonly supersededBy: number });

export type StandardVersionStatus = StandardVersionState['status'];

/**
 * A service standard (售后服务标准): nothing yet, established with its versions (in order, version n at
 * index n − 1), or retired for good.
 */
export type ServiceStandardState =
  | { readonly status: 'New' }
  | { readonly status: 'Established'; readonly standardId: string; readonly versions: readonly StandardVersionState[] }
  | {
      readonly status: 'Retired';
      readonly standardId: string;
      readonly versions: readonly StandardVersionState[];
      readonly reason: string;
    };

export const initialServiceStandardState: ServiceStandardState = { status: 'New' };

/** The version in force, if any: at most one version is published at a time. */
export const publishedVersion = (
  versions: readonly StandardVersionState[],
): Extract<StandardVersionState, { status: 'Published' }> | undefined =>
  versions.find((entry): entry is Extract<StandardVersionState, { status: 'Published' }> => entry.status === 'Published');
