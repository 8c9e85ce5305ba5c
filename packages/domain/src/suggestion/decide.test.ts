import { specify } from '@aftersales/core/testing';
import { describe, it } from 'vitest';
import type { SuggestionEvent } from './index.js';
import { suggestion } from './index.js';
import { suggestionCommand as command, suggestionId } from '../testing/suggestion.js';

const spec = specify(suggestion);
const production = { id: 'Production', role: 'Department' };

const proposal = { toDepartment: 'Production', title: '改腰工序增加复检', rationale: '三月两次线迹返工', relatedIssueIds: ['ISS-1', 'ISS-2'] };
const proposed: SuggestionEvent = { type: 'SuggestionProposed', data: { suggestionId, ...proposal } };
const adopted: SuggestionEvent = { type: 'SuggestionDecided', data: { suggestionId, toDepartment: 'Production', adopted: true, reason: '' } };

describe('ProposeSuggestion', () => {
  it('proposes a suggestion to another department', () => {
    spec.given([]).when(command('ProposeSuggestion', proposal)).then([proposed]);
  });

  it('proposes one that no issue led to', () => {
    spec
      .given([])
      .when(command('ProposeSuggestion', { ...proposal, relatedIssueIds: [] }))
      .then([{ type: 'SuggestionProposed', data: { suggestionId, ...proposal, relatedIssueIds: [] } }]);
  });

  it('refuses proposing the same suggestion twice', () => {
    spec.given([proposed]).when(command('ProposeSuggestion', proposal)).thenRefused('InvalidTransition', 'suggestion SUG-1 is Proposed; expected New');
  });

  it('refuses a blank title or rationale and an issue named twice, naming the field', () => {
    spec.given([]).when(command('ProposeSuggestion', { ...proposal, title: '' })).thenRefused('InvalidCommand', 'data.title');
    spec.given([]).when(command('ProposeSuggestion', { ...proposal, rationale: '\u202e' })).thenRefused('InvalidCommand', 'data.rationale');
    spec.given([]).when(command('ProposeSuggestion', { ...proposal, relatedIssueIds: ['ISS-1', 'ISS-1'] })).thenRefused('InvalidCommand', 'data.relatedIssueIds');
  });

  it('refuses anyone but the department manager', () => {
    spec.given([]).when(command('ProposeSuggestion', proposal, production)).thenRefused('Forbidden', 'role Department');
    spec.given([]).when(command('ProposeSuggestion', proposal, { id: 'GM-1', role: 'GeneralManager' })).thenRefused('Forbidden');
  });
});

describe('DecideSuggestion', () => {
  it('lets the department it was sent to adopt it', () => {
    spec.given([proposed]).when(command('DecideSuggestion', { adopted: true, reason: '' }, production)).then([adopted]);
  });

  it('lets it decline, with a reason', () => {
    spec
      .given([proposed])
      .when(command('DecideSuggestion', { adopted: false, reason: '产能不足' }, production))
      .then([{ type: 'SuggestionDecided', data: { suggestionId, toDepartment: 'Production', adopted: false, reason: '产能不足' } }]);
  });

  it('refuses a decline without a reason', () => {
    spec.given([proposed]).when(command('DecideSuggestion', { adopted: false, reason: '' }, production)).thenRefused('InvalidCommand', 'data.reason');
  });

  it('refuses a department it was not sent to', () => {
    spec
      .given([proposed])
      .when(command('DecideSuggestion', { adopted: true, reason: '' }, { id: 'Design', role: 'Department' }))
      .thenRefused('Forbidden', 'suggestion SUG-1 was sent to Production; department Design may decide only suggestions sent to it');
  });

  it('refuses the department manager deciding their own suggestion', () => {
    spec.given([proposed]).when(command('DecideSuggestion', { adopted: true, reason: '' })).thenRefused('Forbidden', 'role DepartmentManager');
  });

  it('refuses a second decision and a suggestion never proposed', () => {
    spec.given([proposed, adopted]).when(command('DecideSuggestion', { adopted: false, reason: '改主意' }, production)).thenRefused('InvalidTransition', 'already Decided (adopted)');
    spec.given([]).when(command('DecideSuggestion', { adopted: true, reason: '' }, production)).thenRefused('InvalidTransition', 'has not been proposed');
  });
});
