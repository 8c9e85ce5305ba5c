import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { forbidden } from '@aftersales/core';
import type { DepartmentError } from '../shared/errors.js';
import { deadlineBeforeNow, invalidTransition } from '../shared/errors.js';
import { unreachable } from '../shared/unreachable.js';
import type { AssignmentCommand, DelegateTask, WithdrawTask } from './commands.js';
import type { AssignmentEvent } from './events.js';
import type { AssignmentState } from './state.js';

type Decision = E.Either<DepartmentError, readonly AssignmentEvent[]>;
type Delegated = Extract<AssignmentState, { status: 'Delegated' }>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

const delegated = (command: AssignmentCommand, state: AssignmentState): E.Either<DepartmentError, Delegated> => {
  const { taskId } = command.data;
  if (state.status === 'New') return E.left(invalidTransition(`${command.type} refused: task ${taskId} has not been delegated`));
  if (state.status !== 'Delegated') {
    return E.left(invalidTransition(`${command.type} refused: task ${taskId} is ${state.status}; expected Delegated`));
  }
  return E.right(state);
};

const delegate = (command: DelegateTask, state: AssignmentState): Decision => {
  if (state.status !== 'New') return refuse(`DelegateTask refused: task ${command.data.taskId} is ${state.status}; expected New`);
  const late = deadlineBeforeNow(command, 'dueBy', command.data.dueBy, `task ${command.data.taskId}`);
  if (late !== undefined) return E.left(late);
  return E.right([{ type: 'TaskDelegated', data: { ...command.data, delegatedBy: command.metadata.actor.id } }]);
};

/** Only the general manager who delegated a task takes it back. */
const withdraw = (command: WithdrawTask, state: AssignmentState): Decision =>
  E.flatMap(delegated(command, state), (task): Decision => {
    const actor = command.metadata.actor.id;
    if (actor !== task.delegatedBy) {
      return E.left(forbidden(`WithdrawTask refused: task ${task.taskId} was delegated by ${task.delegatedBy}; only they may withdraw it, not ${actor}`));
    }
    return E.right([{ type: 'TaskWithdrawn', data: command.data }]);
  });

/** Decides a command against a task's state: the events it produces, or why it is refused. */
export const decide = (command: AssignmentCommand, state: AssignmentState): Decision => {
  switch (command.type) {
    case 'DelegateTask':
      return delegate(command, state);
    case 'ReportTaskResult':
      return pipe(delegated(command, state), E.map((task): readonly AssignmentEvent[] => [
        { type: 'TaskResultReported', data: { taskId: task.taskId, result: command.data.result, reportedTo: task.delegatedBy } },
      ]));
    case 'WithdrawTask':
      return withdraw(command, state);
    default:
      return unreachable(command);
  }
};
