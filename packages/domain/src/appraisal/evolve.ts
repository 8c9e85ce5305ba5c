import { match } from 'ts-pattern';
import type { AppraisalEvent } from './events.js';
import type { AppraisalState } from './state.js';

export const evolve = (state: AppraisalState, event: AppraisalEvent): AppraisalState =>
  match(event)
    .returnType<AppraisalState>()
    .with({ type: 'AppraisalPlanned' }, ({ data }) => ({ status: 'Planned', ...data }))
    .with({ type: 'AppraisalScored' }, ({ data }) =>
      state.status === 'Planned' || state.status === 'Scored'
        ? {
            status: 'Scored',
            appraisalId: state.appraisalId,
            employeeId: state.employeeId,
            cycle: state.cycle,
            dueBy: state.dueBy,
            scores: data.scores,
            rating: data.rating,
            competent: data.competent,
          }
        : state,
    )
    .with({ type: 'AppraisalCompleted' }, () =>
      state.status === 'Scored' ? { ...state, status: 'Completed', openRecommendation: undefined, acknowledged: false } : state,
    )
    .with({ type: 'RecommendationProposed' }, ({ data }) =>
      state.status === 'Completed' ? { ...state, openRecommendation: { kind: data.kind, detail: data.detail } } : state,
    )
    .with({ type: 'RecommendationDecided' }, () =>
      state.status === 'Completed' ? { ...state, openRecommendation: undefined } : state,
    )
    .with({ type: 'AppraisalAcknowledged' }, () => (state.status === 'Completed' ? { ...state, acknowledged: true } : state))
    .exhaustive();
