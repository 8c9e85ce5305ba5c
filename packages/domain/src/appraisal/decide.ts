import * as E from 'fp-ts/lib/Either.js';
import { forbidden, invalidCommand } from '@aftersales/core';
import { unreachable } from '../shared/unreachable.js';
import type { DepartmentError } from '../shared/errors.js';
import { invalidTransition } from '../shared/errors.js';
import type { AcknowledgeAppraisal, AppraisalCommand, PlanAppraisal } from './commands.js';
import type { AppraisalEvent } from './events.js';
import type { AppraisalState, AppraisalStatus } from './state.js';

type Decision = E.Either<DepartmentError, readonly AppraisalEvent[]>;
type Completed = Extract<AppraisalState, { status: 'Completed' }>;

const refuse = (message: string): Decision => E.left(invalidTransition(message));

const wrongState = (command: AppraisalCommand, state: AppraisalState, expected: readonly AppraisalStatus[], why = ''): Decision =>
  refuse(
    state.status === 'New'
      ? `${command.type} refused: appraisal ${command.data.appraisalId} has not been planned; expected ${expected.join(' or ')}${why}`
      : `${command.type} refused: appraisal ${command.data.appraisalId} is ${state.status}; expected ${expected.join(' or ')}${why}`,
  );

/**
 * Nobody decides on their own appraisal: its employee may not plan, score, complete, propose for or
 * decide on it (the general manager deciding a recommendation included).
 */
const ownAppraisal = (command: AppraisalCommand, employeeId: string): Decision | undefined =>
  command.metadata.actor.id === employeeId
    ? E.left(
        forbidden(
          `${command.type} refused: appraisal ${command.data.appraisalId} is ${employeeId}'s own, and nobody decides on their own appraisal`,
        ),
      )
    : undefined;

const plan = (command: PlanAppraisal, state: AppraisalState): Decision => {
  const own = ownAppraisal(command, command.data.employeeId);
  if (own !== undefined) return own;
  if (state.status !== 'New') return wrongState(command, state, ['New'], ' (an appraisal id is planned once)');
  const { appraisalId, dueBy } = command.data;
  // A plan due before it was made could never be met; it is a typing mistake, not a late appraisal.
  if (Date.parse(dueBy) < Date.parse(command.metadata.at)) {
    const message = `PlanAppraisal refused: appraisal ${appraisalId} is due by ${dueBy}, before it is planned (${command.metadata.at})`;
    return E.left(invalidCommand([{ path: 'data.dueBy', message: 'must not be before metadata.at' }], message));
  }
  return E.right([{ type: 'AppraisalPlanned', data: command.data }]);
};

const acknowledge = (command: AcknowledgeAppraisal, state: AppraisalState): Decision => {
  if (state.status !== 'Completed') return wrongState(command, state, ['Completed']);
  const { appraisalId } = command.data;
  const actor = command.metadata.actor.id;
  if (actor !== state.employeeId) {
    return E.left(
      forbidden(`AcknowledgeAppraisal refused: appraisal ${appraisalId} is ${state.employeeId}'s; ${actor} may acknowledge only their own`),
    );
  }
  if (state.acknowledged) return refuse(`AcknowledgeAppraisal refused: appraisal ${appraisalId} is Completed and already acknowledged`);
  return E.right([{ type: 'AppraisalAcknowledged', data: { appraisalId, employeeId: state.employeeId } }]);
};

const whenCompleted = (command: AppraisalCommand, state: AppraisalState, decideCompleted: (completed: Completed) => Decision) =>
  state.status === 'Completed' ? decideCompleted(state) : wrongState(command, state, ['Completed']);

const decideFor = (command: AppraisalCommand, state: AppraisalState): Decision => {
  switch (command.type) {
    case 'PlanAppraisal': {
      const planCommand = command;
      return plan(planCommand, state);
    }
    case 'ScoreAppraisal': {
      const score = command;
      return state.status === 'Planned' || state.status === 'Scored'
        ? E.right([{ type: 'AppraisalScored', data: score.data }])
        : wrongState(score, state, ['Planned', 'Scored'], state.status === 'Completed' ? ' (scores are final once completed)' : '');
    }
    case 'CompleteAppraisal': {
      const complete = command;
      return state.status === 'Scored'
        ? E.right([
            {
              type: 'AppraisalCompleted',
              data: { appraisalId: state.appraisalId, employeeId: state.employeeId, rating: state.rating, competent: state.competent },
            },
          ])
        : wrongState(complete, state, ['Scored']);
    }
    case 'ProposeRecommendation': {
      const propose = command;
      return whenCompleted(propose, state, (completed) =>
          completed.openRecommendation === undefined
            ? E.right([{ type: 'RecommendationProposed', data: propose.data }])
            : refuse(
                `ProposeRecommendation refused: appraisal ${completed.appraisalId} already has an open ${completed.openRecommendation.kind} recommendation; expected the general manager to decide it first`,
              ),
        );
    }
    case 'DecideRecommendation': {
      const decision = command;
      return whenCompleted(decision, state, (completed) =>
          completed.openRecommendation === undefined
            ? refuse(`DecideRecommendation refused: appraisal ${completed.appraisalId} is Completed with no open recommendation; expected one to be proposed first`)
            : E.right([
                {
                  type: 'RecommendationDecided',
                  data: {
                    appraisalId: completed.appraisalId,
                    kind: completed.openRecommendation.kind,
                    approved: decision.data.approved,
                    reason: decision.data.reason,
                  },
                },
              ]),
        );
    }
    case 'AcknowledgeAppraisal': {
      const acknowledgeCommand = command;
      return acknowledge(acknowledgeCommand, state);
    }
    default:
      return unreachable(command);
  }
};

/** Decides a command against an appraisal's state: the events it produces, or why it is refused. */
export const decide = (command: AppraisalCommand, state: AppraisalState): Decision =>
  (command.type !== 'AcknowledgeAppraisal' && state.status !== 'New' ? ownAppraisal(command, state.employeeId) : undefined) ??
  decideFor(command, state);
