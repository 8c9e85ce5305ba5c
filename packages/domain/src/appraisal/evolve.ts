import { unreachable } from '../shared/unreachable.js';
import type { AppraisalEvent } from './events.js';
import type { AppraisalState } from './state.js';

export const evolve = (state: AppraisalState, event: AppraisalEvent): AppraisalState => {
  switch (event.type) {
    case 'AppraisalPlanned': {
      const { data } = event;
      return ({ status: 'Planned', ...data });
    }
    case 'AppraisalScored': {
      const { data } = event;
      return state.status === 'Planned' || state.status === 'Scored'
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
        : state;
    }
    case 'AppraisalCompleted': {
      return state.status === 'Scored' ? { ...state, status: 'Completed', openRecommendation: undefined, acknowledged: false } : state;
    }
    case 'RecommendationProposed': {
      const { data } = event;
      return state.status === 'Completed' ? { ...state, openRecommendation: { kind: data.kind, detail: data.detail } } : state;
    }
    case 'RecommendationDecided': {
      return state.status === 'Completed' ? { ...state, openRecommendation: undefined } : state;
    }
    case 'AppraisalAcknowledged': {
      return state.status === 'Completed' ? { ...state, acknowledged: true } : state;
    }
    default:
      return unreachable(event);
  }
};
