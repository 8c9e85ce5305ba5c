import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStateMachine, rawCommand } from '../testing/state-machine.js';
import type { SuggestionCommand } from './index.js';
import { suggestion, suggestionEventTypes } from './index.js';

const departments = ['Production', 'Design'] as const;
const text = fc.oneof({ arbitrary: fc.constant('增加复检'), weight: 8 }, { arbitrary: fc.constant(''), weight: 1 });

const command: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.oneof(
      fc.record({
        type: fc.constant('ProposeSuggestion'),
        data: fc.record({ toDepartment: fc.constantFrom(...departments), title: text, rationale: text, relatedIssueIds: fc.constant(['ISS-1']) }),
      }),
      fc.record({ type: fc.constant('DecideSuggestion'), data: fc.record({ adopted: fc.boolean(), reason: text }) }),
    ),
    fc.constantFrom(...departments, 'DM-1'),
    fc.constantFrom('Department', 'DepartmentManager', 'Auditor'),
    fc.nat({ max: 1_000_000 }),
  )
  .map(([{ type, data }, id, role, commandId]) => {
    const actor = type === 'ProposeSuggestion' ? { id: 'DM-1', role: 'DepartmentManager' } : { id, role };
    return rawCommand(type, { suggestionId: 'SUG-1', ...data }, actor, { commandId: `c-${commandId}` });
  });

describe('Suggestion properties', () => {
  it('any command sequence keeps the rules: proposed once, decided once and only by the department it was sent to', () => {
    checkStateMachine({
      definition: suggestion,
      commands: fc.array(command, { maxLength: 8, size: 'max' }),
      eventTypes: suggestionEventTypes,
      allowedEvents: { ProposeSuggestion: [['SuggestionProposed']], DecideSuggestion: [['SuggestionDecided']] },
      accepted: (before, accepted: SuggestionCommand) => {
        if (accepted.type === 'ProposeSuggestion') expect(before.status).toBe('New');
        if (accepted.type === 'DecideSuggestion') {
          expect(before.status).toBe('Proposed');
          expect(before.status === 'Proposed' && before.toDepartment).toBe(accepted.metadata.actor.id);
        }
      },
    });
  });
});
