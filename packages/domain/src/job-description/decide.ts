import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { forbidden } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import { unreachable } from '../shared/unreachable.js';
import type {
  ConfirmJobDescription,
  DraftJobDescription,
  ExplainJobDescription,
  FileJobDescription,
  JobDescriptionCommand,
} from './commands.js';
import type { JobDescriptionEvent } from './events.js';
import type { JobDescriptionState, JobDescriptionVersionState, JobDescriptionVersionStatus } from './state.js';
import { approvedVersion } from './state.js';

type Decision = E.Either<DepartmentError, readonly JobDescriptionEvent[]>;
type Approved = Extract<JobDescriptionVersionState, { status: 'Approved' }>;

/** The department job descriptions are filed with (人力行政部). */
export const HR_DEPARTMENT = 'HR';

const refuse = (message: string): Decision => E.left(invalidTransition(message));

/** Finds the version a command names and checks it is in one of the statuses the command expects. */
const versionIn = (
  command: Exclude<JobDescriptionCommand, DraftJobDescription>,
  state: JobDescriptionState,
  expected: readonly JobDescriptionVersionStatus[],
): E.Either<DepartmentError, JobDescriptionVersionState> => {
  const { positionId, version } = command.data;
  const wanted = expected.join(' or ');
  if (state.status === 'New') {
    return E.left(invalidTransition(`${command.type} refused: position ${positionId} has no job description yet; expected DraftJobDescription version 1 first`));
  }
  const entry = state.versions[version - 1];
  if (entry === undefined) {
    return E.left(
      invalidTransition(`${command.type} refused: the job description of ${positionId} has no version ${version} (latest is v${state.versions.length}); expected a ${wanted} version`),
    );
  }
  if (!expected.includes(entry.status)) {
    return E.left(invalidTransition(`${command.type} refused: the job description of ${positionId} v${version} is ${entry.status}; expected ${wanted}`));
  }
  return E.right(entry);
};

/** Version 1, or the one after the newest approved version: a draft or a rejected version is written again under its number. */
const draft = (command: DraftJobDescription, state: JobDescriptionState): Decision => {
  const { positionId, version, duties } = command.data;
  const versions = state.status === 'New' ? [] : state.versions;
  const next = (approvedVersion(versions)?.version ?? 0) + 1;
  if (version !== next) {
    return refuse(`DraftJobDescription refused: the job description of ${positionId} expects v${next} (the one after the last approved), not v${version}`);
  }
  const entry = versions[version - 1];
  if (entry?.status === 'Submitted') {
    return refuse(`DraftJobDescription refused: the job description of ${positionId} v${version} is Submitted; expected it to be approved or rejected first`);
  }
  return E.right([{ type: 'JobDescriptionDrafted', data: { positionId, version, duties } }]);
};

/** Only the version in force is explained, and to each employee once. */
const explain = (command: ExplainJobDescription, state: JobDescriptionState): Decision =>
  E.flatMap(versionIn(command, state, ['Approved']), (entry): Decision => {
    const { positionId, version, employeeIds } = command.data;
    const inForce = approvedVersion(state.status === 'New' ? [] : state.versions);
    if (inForce !== undefined && inForce.version !== version) {
      return refuse(`ExplainJobDescription refused: the job description of ${positionId} v${version} was replaced by v${inForce.version}; explain the version in force`);
    }
    const already = employeeIds.filter((employeeId) => (entry as Approved).explainedTo.includes(employeeId));
    if (already.length > 0) {
      return refuse(`ExplainJobDescription refused: the job description of ${positionId} v${version} was already explained to ${already.join(', ')}`);
    }
    return E.right([{ type: 'JobDescriptionExplained', data: command.data }]);
  });

/** An employee confirms only their own job description, once it was explained to them. */
const confirm = (command: ConfirmJobDescription, state: JobDescriptionState): Decision => {
  const { positionId, version, employeeId } = command.data;
  const actor = command.metadata.actor.id;
  if (actor !== employeeId) {
    return E.left(forbidden(`ConfirmJobDescription refused: ${actor} may confirm a job description only for themselves, not for ${employeeId}`));
  }
  return E.flatMap(versionIn(command, state, ['Approved']), (entry): Decision => {
    const approved = entry as Approved;
    if (!approved.explainedTo.includes(employeeId)) {
      return refuse(`ConfirmJobDescription refused: the job description of ${positionId} v${version} has not been explained to ${employeeId}; expected ExplainJobDescription first`);
    }
    if (approved.confirmedBy.includes(employeeId)) {
      return refuse(`ConfirmJobDescription refused: ${employeeId} has already confirmed the job description of ${positionId} v${version}`);
    }
    return E.right([{ type: 'JobDescriptionConfirmed', data: command.data }]);
  });
};

/** Only HR files a job description (备案), once per approved version. */
const file = (command: FileJobDescription, state: JobDescriptionState): Decision => {
  const { positionId, version } = command.data;
  const actor = command.metadata.actor.id;
  if (actor !== HR_DEPARTMENT) {
    return E.left(forbidden(`FileJobDescription refused: job descriptions are filed by ${HR_DEPARTMENT}, not by department ${actor}`));
  }
  return E.flatMap(versionIn(command, state, ['Approved']), (entry): Decision =>
    (entry as Approved).filed
      ? refuse(`FileJobDescription refused: the job description of ${positionId} v${version} is already filed`)
      : E.right([{ type: 'JobDescriptionFiled', data: command.data }]),
  );
};

/** Decides a command against a job description's state: the events it produces, or why it is refused. */
export const decide = (command: JobDescriptionCommand, state: JobDescriptionState): Decision => {
  switch (command.type) {
    case 'DraftJobDescription':
      return draft(command, state);
    case 'SubmitJobDescription':
      return pipe(versionIn(command, state, ['Draft']), E.map((): readonly JobDescriptionEvent[] => [{ type: 'JobDescriptionSubmitted', data: command.data }]));
    case 'ApproveJobDescription':
      return pipe(versionIn(command, state, ['Submitted']), E.map((): readonly JobDescriptionEvent[] => [{ type: 'JobDescriptionApproved', data: command.data }]));
    case 'RejectJobDescription':
      return pipe(versionIn(command, state, ['Submitted']), E.map((): readonly JobDescriptionEvent[] => [{ type: 'JobDescriptionRejected', data: command.data }]));
    case 'ExplainJobDescription':
      return explain(command, state);
    case 'ConfirmJobDescription':
      return confirm(command, state);
    case 'FileJobDescription':
      return file(command, state);
    default:
      return unreachable(command);
  }
};
