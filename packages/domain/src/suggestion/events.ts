import { z } from 'zod';
import { eventSchema, StoredId, StoredText } from '../shared/schemas.js';

// Events are decoded as stored, so their schemas check shapes, not the command-time limits.

export const SuggestionProposed = eventSchema(
  'SuggestionProposed',
  z.object({
    suggestionId: StoredId,
    toDepartment: StoredId,
    title: StoredText,
    rationale: StoredText,
    relatedIssueIds: z.array(StoredId),
  }),
);
export type SuggestionProposed = z.infer<typeof SuggestionProposed>;

export const SuggestionDecided = eventSchema(
  'SuggestionDecided',
  z.object({ suggestionId: StoredId, toDepartment: StoredId, adopted: z.boolean(), reason: StoredText }),
);
export type SuggestionDecided = z.infer<typeof SuggestionDecided>;

export const SuggestionEvent = z.discriminatedUnion('type', [SuggestionProposed, SuggestionDecided]);
export type SuggestionEvent = z.infer<typeof SuggestionEvent>;
export type SuggestionEventType = SuggestionEvent['type'];

export const suggestionEventTypes: readonly SuggestionEventType[] = SuggestionEvent.options.map((option) => option.shape.type.value);
