export interface SuggestionProposal {
  readonly suggestionId: string;
  readonly toDepartment: string;
}

/** A suggestion (合理化建议): proposed to one department, then decided by it once. */
export type SuggestionState =
  | { readonly status: 'New' }
  | (SuggestionProposal & { readonly status: 'Proposed' })
  | (SuggestionProposal & { readonly status: 'Decided'; readonly adopted: boolean });

export type SuggestionStatus = SuggestionState['status'];

export const initialSuggestionState: SuggestionState = { status: 'New' };
