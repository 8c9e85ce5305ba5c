import { unreachable } from '../shared/unreachable.js';
import type { JobDescriptionEvent } from './events.js';
import type { JobDescriptionState, JobDescriptionVersionState } from './state.js';

const changeVersion = (
  state: JobDescriptionState,
  version: number,
  change: (entry: JobDescriptionVersionState) => JobDescriptionVersionState,
): JobDescriptionState =>
  state.status === 'New' ? state : { ...state, versions: state.versions.map((entry) => (entry.version === version ? change(entry) : entry)) };

const textOf = (entry: JobDescriptionVersionState) => ({ version: entry.version, duties: entry.duties });

const whenApproved = (change: (entry: Extract<JobDescriptionVersionState, { status: 'Approved' }>) => JobDescriptionVersionState) =>
  (entry: JobDescriptionVersionState): JobDescriptionVersionState => (entry.status === 'Approved' ? change(entry) : entry);

export const evolve = (state: JobDescriptionState, event: JobDescriptionEvent): JobDescriptionState => {
  switch (event.type) {
    case 'JobDescriptionDrafted': {
      const { positionId, version, duties } = event.data;
      // Drafting a version in draft or rejected writes it again; the next version is appended.
      const others = state.status === 'New' ? [] : state.versions.filter((entry) => entry.version !== version);
      return { status: 'Established', positionId, versions: [...others, { status: 'Draft', version, duties }] };
    }
    case 'JobDescriptionSubmitted':
      return changeVersion(state, event.data.version, (entry) => ({ ...textOf(entry), status: 'Submitted' }));
    case 'JobDescriptionApproved':
      return changeVersion(state, event.data.version, (entry) => ({ ...textOf(entry), status: 'Approved', explainedTo: [], confirmedBy: [], filed: false }));
    case 'JobDescriptionRejected':
      return changeVersion(state, event.data.version, (entry) => ({ ...textOf(entry), status: 'Rejected', reason: event.data.reason }));
    case 'JobDescriptionExplained':
      return changeVersion(state, event.data.version, whenApproved((entry) => ({ ...entry, explainedTo: [...entry.explainedTo, ...event.data.employeeIds] })));
    case 'JobDescriptionConfirmed':
      return changeVersion(state, event.data.version, whenApproved((entry) => ({ ...entry, confirmedBy: [...entry.confirmedBy, event.data.employeeId] })));
    case 'JobDescriptionFiled':
      return changeVersion(state, event.data.version, whenApproved((entry) => ({ ...entry, filed: true })));
    default:
      return unreachable(event);
  }
};
