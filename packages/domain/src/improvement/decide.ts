import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { forbidden } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import { deadlineBeforeNow, invalidTransition } from '../shared/errors.js';
import { unreachable } from '../shared/unreachable.js';
import type { ImprovementCommand, RaiseIssue, RecordImprovement } from './commands.js';
import type { ImprovementEvent } from './events.js';
import type { ImprovementState, ImprovementStatus } from './state.js';

type Decision = E.Either<DepartmentError, readonly ImprovementEvent[]>;
type Raised = Exclude<ImprovementState, { status: 'New' }>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

/** The issue as raised, if its status is one the command expects. */
const inStatus = (
  command: ImprovementCommand,
  state: ImprovementState,
  expected: readonly ImprovementStatus[],
): E.Either<DepartmentError, Raised> => {
  const { issueId } = command.data;
  if (state.status === 'New') {
    return E.left(invalidTransition(`${command.type} refused: issue ${issueId} has not been raised; expected RaiseIssue first`));
  }
  if (!expected.includes(state.status)) {
    return E.left(invalidTransition(`${command.type} refused: issue ${issueId} is ${state.status}; expected ${expected.join(' or ')}`));
  }
  return E.right(state);
};

const raise = (command: RaiseIssue, state: ImprovementState): Decision => {
  if (state.status !== 'New') return refuse(`RaiseIssue refused: issue ${command.data.issueId} is ${state.status}; expected New`);
  const late = deadlineBeforeNow(command, 'dueBy', command.data.dueBy, `issue ${command.data.issueId}`);
  return late === undefined ? E.right([{ type: 'IssueRaised', data: command.data }]) : E.left(late);
};

/** Only the department the issue is assigned to acts on it; the manager may record for it (e.g. from a meeting's minutes). */
const record = (command: RecordImprovement, state: ImprovementState): Decision =>
  E.flatMap(inStatus(command, state, ['Open']), (issue): Decision => {
    const { actor } = command.metadata;
    if (actor.role === 'Department' && actor.id !== issue.responsibleDepartment) {
      return E.left(
        forbidden(
          `RecordImprovement refused: issue ${issue.issueId} is assigned to ${issue.responsibleDepartment}; department ${actor.id} may act only on issues assigned to it`,
        ),
      );
    }
    return E.right([
      { type: 'ImprovementRecorded', data: { issueId: issue.issueId, action: command.data.action, responsibleDepartment: issue.responsibleDepartment } },
    ]);
  });

/** Decides a command against an issue's state: the events it produces, or why it is refused. */
export const decide = (command: ImprovementCommand, state: ImprovementState): Decision => {
  switch (command.type) {
    case 'RaiseIssue':
      return raise(command, state);
    case 'RecordImprovement':
      return record(command, state);
    case 'VerifyImprovement':
      return pipe(inStatus(command, state, ['ImprovementRecorded']), E.map((): readonly ImprovementEvent[] => [
        { type: 'ImprovementVerified', data: command.data },
      ]));
    case 'CancelIssue':
      return pipe(inStatus(command, state, ['Open', 'ImprovementRecorded']), E.map((): readonly ImprovementEvent[] => [
        { type: 'IssueCancelled', data: command.data },
      ]));
    default:
      return unreachable(command);
  }
};
