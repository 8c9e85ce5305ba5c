import { z } from 'zod';
import { commandSchema, FreeText, Id, list, RequiredText } from '../shared/schemas.js';

export const ProposeSuggestion = commandSchema(
  'ProposeSuggestion',
  z.strictObject({
    suggestionId: Id,
    /** The id of the department the suggestion goes to: the one `Department` that may decide it. */
    toDepartment: Id,
    title: RequiredText,
    rationale: RequiredText,
    /** The improvement issues that led to it (ids of `Improvement` streams), possibly none. */
    relatedIssueIds: list(Id, { distinct: true, what: 'issue' }),
  }),
);
export type ProposeSuggestion = z.infer<typeof ProposeSuggestion>;

export const DecideSuggestion = commandSchema(
  'DecideSuggestion',
  z
    .strictObject({ suggestionId: Id, adopted: z.boolean(), reason: FreeText })
    // The department that proposed it learns from a refusal only if it says why.
    .refine((data) => data.adopted || data.reason.length > 0, {
      path: ['reason'],
      message: 'a suggestion not adopted needs a reason',
    }),
);
export type DecideSuggestion = z.infer<typeof DecideSuggestion>;

export const SuggestionCommand = z.discriminatedUnion('type', [ProposeSuggestion, DecideSuggestion]);
export type SuggestionCommand = z.infer<typeof SuggestionCommand>;
export type SuggestionCommandType = SuggestionCommand['type'];

export const suggestionCommandTypes: readonly SuggestionCommandType[] = SuggestionCommand.options.map(
  (option) => option.shape.type.value,
);
