import { unreachable } from '../shared/unreachable.js';
import type { ServiceStandardEvent } from './events.js';
import type { ServiceStandardState, StandardVersionState } from './state.js';

const versionsOf = (state: ServiceStandardState): readonly StandardVersionState[] =>
  state.status === 'New' ? [] : state.versions;

const replaceVersion = (
  state: ServiceStandardState,
  version: number,
  change: (entry: StandardVersionState) => StandardVersionState,
): ServiceStandardState => {
  if (state.status === 'New') return state;
  return { ...state, versions: state.versions.map((entry) => (entry.version === version ? change(entry) : entry)) };
};

const textOf = (entry: StandardVersionState) => ({
  version: entry.version,
  title: entry.title,
  clauses: entry.clauses,
  kind: entry.kind,
  ...(entry.dueBy === undefined ? {} : { dueBy: entry.dueBy }),
});

export const evolve = (state: ServiceStandardState, event: ServiceStandardEvent): ServiceStandardState => {
  switch (event.type) {
    case 'StandardPlanned': {
      const { data } = event;
      const planned: StandardVersionState = {
        status: 'Planned',
        version: data.version,
        title: data.title,
        clauses: [],
        kind: data.kind,
        dueBy: data.dueBy,
      };
      return { status: 'Established', standardId: data.standardId, versions: [...versionsOf(state), planned] };
    }
    case 'StandardDrafted': {
      const { data } = event;
      // Drafting the version already planned or in draft revises it (keeping the plan's due date); any other version is appended.
      const dueBy = versionsOf(state).find((entry) => entry.version === data.version)?.dueBy;
      const drafted: StandardVersionState = {
        status: 'Draft',
        version: data.version,
        title: data.title,
        clauses: data.clauses,
        kind: data.kind,
        ...(dueBy === undefined ? {} : { dueBy }),
      };
      const others = versionsOf(state).filter((entry) => entry.version !== data.version);
      return { status: 'Established', standardId: data.standardId, versions: [...others, drafted] };
    }
    case 'StandardSubmitted': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) => ({ ...textOf(entry), status: 'Submitted' }));
    }
    case 'StandardApproved': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) => ({ ...textOf(entry), status: 'Approved' }));
    }
    case 'StandardRejected': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) => ({ ...textOf(entry), status: 'Rejected', reason: data.reason }));
    }
    case 'StandardPublished': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) => ({
          ...textOf(entry),
          status: 'Published',
          endpointIds: data.endpointIds,
          acknowledgedBy: [],
        }));
    }
    case 'StandardSuperseded': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) =>
          entry.status === 'Published' ? { ...entry, status: 'Superseded', supersededBy: data.supersededBy } : entry,
        );
    }
    case 'StandardAcknowledged': {
      const { data } = event;
      return replaceVersion(state, data.version, (entry) =>
          entry.status === 'Published' || entry.status === 'Superseded'
            ? { ...entry, acknowledgedBy: [...entry.acknowledgedBy, data.endpointId] }
            : entry,
        );
    }
    case 'TrainingRecorded':
    case 'AssessmentRecorded':
    case 'ComplianceInspected': {
      return state;
    }
    case 'StandardRetired': {
      const { data } = event;
      return ({
          status: 'Retired',
          standardId: data.standardId,
          versions: versionsOf(state),
          reason: data.reason,
        });
    }
    default:
      return unreachable(event);
  }
};
