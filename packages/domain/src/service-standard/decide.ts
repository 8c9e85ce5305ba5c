import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { forbidden, invalidCommand } from '@aftersales/core';
import { unreachable } from '../shared/unreachable.js';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import type {
  AcknowledgeStandard,
  DocumentKind,
  DraftStandard,
  InspectCompliance,
  PlanStandard,
  PublishStandard,
  RecordAssessment,
  RecordTraining,
  ServiceStandardCommand,
} from './commands.js';
import type { ServiceStandardEvent } from './events.js';
import type { ServiceStandardState, StandardVersionState, StandardVersionStatus } from './state.js';
import { publishedVersion } from './state.js';

type Decision = E.Either<DepartmentError, readonly ServiceStandardEvent[]>;
type Established = Extract<ServiceStandardState, { status: 'Established' }>;
type Published = Extract<StandardVersionState, { status: 'Published' }>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

const describe = (entry: StandardVersionState): string =>
  entry.status === 'Superseded' ? `Superseded (by v${entry.supersededBy})` : entry.status;

/** Finds the version a command names and checks it is in one of the statuses the command expects. */
const versionIn = (
  command: ServiceStandardCommand & { readonly data: { readonly version: number } },
  state: Established,
  expected: readonly StandardVersionStatus[],
): E.Either<DepartmentError, StandardVersionState> => {
  const { standardId, version } = command.data;
  const entry = state.versions[version - 1];
  const wanted = expected.join(' or ');
  if (entry === undefined) {
    return E.left(
      invalidTransition(
        `${command.type} refused: standard ${standardId} has no version ${version} (latest is v${state.versions.length}); expected a ${wanted} version`,
      ),
    );
  }
  if (!expected.includes(entry.status)) {
    return E.left(
      invalidTransition(`${command.type} refused: standard ${standardId} v${version} is ${describe(entry)}; expected ${wanted}`),
    );
  }
  return E.right(entry);
};

/**
 * The version a new document version must have: 1 for a new standard, or the one after the latest
 * once that is decided (approved, rejected, published or superseded). Refused while the latest is
 * still planned, in draft or submitted: one version is in the works at a time.
 */
const nextVersion = (command: PlanStandard | DraftStandard, state: ServiceStandardState): E.Either<DepartmentError, number> => {
  const { standardId, version } = command.data;
  const latest = state.status === 'Established' ? state.versions[state.versions.length - 1] : undefined;
  if (latest === undefined) {
    return version === 1
      ? E.right(1)
      : E.left(invalidTransition(`${command.type} refused: standard ${standardId} does not exist yet; expected version 1, not v${version}`));
  }
  if (latest.status === 'Planned' || latest.status === 'Draft' || latest.status === 'Submitted') {
    return E.left(
      invalidTransition(
        `${command.type} refused: standard ${standardId} v${latest.version} is ${latest.status}; expected it to be approved or rejected before v${latest.version + 1}`,
      ),
    );
  }
  if (version !== latest.version + 1) {
    return E.left(
      invalidTransition(
        `${command.type} refused: standard ${standardId} is at v${latest.version} (${describe(latest)}); expected the next version, v${latest.version + 1}, not v${version}`,
      ),
    );
  }
  return E.right(version);
};

const plan = (command: PlanStandard, state: ServiceStandardState): Decision => {
  const { standardId, version, title, kind, dueBy } = command.data;
  if (Date.parse(dueBy) < Date.parse(command.metadata.at)) {
    const message = `PlanStandard refused: standard ${standardId} v${version} would be due by ${dueBy}, before it is planned (${command.metadata.at})`;
    return E.left(invalidCommand([{ path: 'data.dueBy', message: 'must not be before metadata.at' }], message));
  }
  const latest = state.status === 'Established' ? state.versions[state.versions.length - 1] : undefined;
  // A plan is a commitment the completeness rate is measured on, so it is made once and never moved.
  if (latest?.status === 'Planned' && latest.version === version) {
    return refuse(`PlanStandard refused: standard ${standardId} v${version} is already planned (due by ${latest.dueBy ?? '—'})`);
  }
  return pipe(
    nextVersion(command, state),
    E.map((): readonly ServiceStandardEvent[] => [{ type: 'StandardPlanned', data: { standardId, version, title, kind, dueBy } }]),
  );
};

const draft = (command: DraftStandard, state: ServiceStandardState): Decision => {
  const { standardId, version, title, clauses } = command.data;
  const latest = state.status === 'Established' ? state.versions[state.versions.length - 1] : undefined;
  const drafted = (kind: DocumentKind): Decision => E.right([{ type: 'StandardDrafted', data: { standardId, version, title, clauses, kind } }]);
  // The version planned, or the draft in progress, is written (again) until it is submitted.
  if (latest !== undefined && latest.version === version && (latest.status === 'Planned' || latest.status === 'Draft')) {
    const kind = command.data.kind ?? latest.kind;
    if (latest.status === 'Planned' && kind !== latest.kind) {
      const message = `DraftStandard refused: standard ${standardId} v${version} was planned as a ${latest.kind}, not a ${kind}`;
      return E.left(invalidCommand([{ path: 'data.kind', message: `must be ${latest.kind}, the kind it was planned as` }], message));
    }
    return drafted(kind);
  }
  // A document keeps its kind from version to version unless the draft says otherwise.
  return pipe(
    nextVersion(command, state),
    E.flatMap(() => drafted(command.data.kind ?? latest?.kind ?? 'standard')),
  );
};

const publish = (command: PublishStandard, state: Established): Decision => {
  const { standardId, version, endpointIds } = command.data;
  return E.flatMap(versionIn(command, state, ['Approved']), (): Decision => {
    const inForce = publishedVersion(state.versions);
    if (inForce === undefined) return E.right([{ type: 'StandardPublished', data: { standardId, version, endpointIds } }]);
    // Publishing only moves forward, so endpoints never fall back to an older text.
    if (inForce.version > version) {
      return refuse(
        `PublishStandard refused: standard ${standardId} v${inForce.version} is Published; expected an approved version newer than it, not v${version}`,
      );
    }
    return E.right([
      { type: 'StandardPublished', data: { standardId, version, endpointIds } },
      { type: 'StandardSuperseded', data: { standardId, version: inForce.version, supersededBy: version } },
    ]);
  });
};

const acknowledge = (command: AcknowledgeStandard, state: Established): Decision => {
  const { standardId, version, endpointId } = command.data;
  const actor = command.metadata.actor.id;
  return E.flatMap(versionIn(command, state, ['Published']), (entry): Decision => {
    const published = entry as Published;
    if (actor !== endpointId) {
      return E.left(
        forbidden(`AcknowledgeStandard refused: ${actor} may acknowledge standard ${standardId} only for itself, not for endpoint ${endpointId}`),
      );
    }
    if (!published.endpointIds.includes(endpointId)) {
      return E.left(
        forbidden(
          `AcknowledgeStandard refused: standard ${standardId} v${version} was not published to endpoint ${endpointId} (published to ${published.endpointIds.join(', ')})`,
        ),
      );
    }
    if (published.acknowledgedBy.includes(endpointId)) {
      return refuse(`AcknowledgeStandard refused: endpoint ${endpointId} has already acknowledged standard ${standardId} v${version}`);
    }
    return E.right([{ type: 'StandardAcknowledged', data: { standardId, version, endpointId } }]);
  });
};

/** Training, assessment and inspection happen at an endpoint the version in force was published to. */
const atPublishedEndpoint = (
  command: RecordTraining | RecordAssessment | InspectCompliance,
  state: Established,
  events: () => readonly ServiceStandardEvent[],
): Decision =>
  E.flatMap(versionIn(command, state, ['Published']), (entry): Decision => {
    const published = entry as Published;
    const { standardId, version, endpointId } = command.data;
    if (!published.endpointIds.includes(endpointId)) {
      const message = `${command.type} refused: standard ${standardId} v${version} was not published to endpoint ${endpointId} (published to ${published.endpointIds.join(', ')})`;
      return E.left(invalidCommand([{ path: 'data.endpointId', message }], message));
    }
    return E.right(events());
  });

const decideEstablished = (command: ServiceStandardCommand, state: Established): Decision => {
  switch (command.type) {
    case 'PlanStandard': {
      return plan(command, state);
    }
    case 'DraftStandard': {
      const draftCommand = command;
      return draft(draftCommand, state);
    }
    case 'SubmitStandard': {
      const submit = command;
      return pipe(
          versionIn(submit, state, ['Draft']),
          E.map((): readonly ServiceStandardEvent[] => [{ type: 'StandardSubmitted', data: submit.data }]),
        );
    }
    case 'ApproveStandard': {
      const approve = command;
      return pipe(
          versionIn(approve, state, ['Submitted']),
          E.map((): readonly ServiceStandardEvent[] => [{ type: 'StandardApproved', data: approve.data }]),
        );
    }
    case 'RejectStandard': {
      const reject = command;
      return pipe(
          versionIn(reject, state, ['Submitted']),
          E.map((): readonly ServiceStandardEvent[] => [{ type: 'StandardRejected', data: reject.data }]),
        );
    }
    case 'PublishStandard': {
      const publishCommand = command;
      return publish(publishCommand, state);
    }
    case 'AcknowledgeStandard': {
      const acknowledgeCommand = command;
      return acknowledge(acknowledgeCommand, state);
    }
    case 'RecordTraining': {
      const training = command;
      return atPublishedEndpoint(training, state, () => [{ type: 'TrainingRecorded', data: training.data }]);
    }
    case 'RecordAssessment': {
      const assessment = command;
      return atPublishedEndpoint(assessment, state, () => [
          { type: 'AssessmentRecorded', data: { ...assessment.data, passed: assessment.data.score >= assessment.data.passMark } },
        ]);
    }
    case 'InspectCompliance': {
      const inspection = command;
      return atPublishedEndpoint(inspection, state, () => [{ type: 'ComplianceInspected', data: inspection.data }]);
    }
    case 'RetireStandard': {
      const { data } = command;
      return E.right([{ type: 'StandardRetired', data }]);
    }
    default:
      return unreachable(command);
  }
};

/** Decides a command against a standard's state: the events it produces, or why it is refused. */
export const decide = (command: ServiceStandardCommand, state: ServiceStandardState): Decision => {
  switch (state.status) {
    case 'New': {
      if (command.type === 'PlanStandard') return plan(command, state);
      if (command.type === 'DraftStandard') return draft(command, state);
      return refuse(
        `${command.type} refused: standard ${command.data.standardId} does not exist yet; expected PlanStandard or DraftStandard version 1 first`,
      );
    }
    case 'Established': {
      const established = state;
      return decideEstablished(command, established);
    }
    case 'Retired': {
      const retired = state;
      return refuse(`${command.type} refused: standard ${retired.standardId} is Retired (${retired.reason}); a retired standard accepts no command`);
    }
    default:
      return unreachable(state);
  }
};
