/*
 * Data read from a log was written by whoever sent the commands, and anything printed from it (a
 * terminal line, a table, a Markdown report) must show that data, never obey it: an escape sequence
 * could rewrite an auditor's screen, a carriage return could hide what a line said, a bidi override
 * could reverse it, and Markdown in an id could forge a link or a table row.
 */

/**
 * Characters that act instead of showing: control characters (C0, DEL, C1), Unicode format
 * characters (zero-width, bidi embeddings, overrides and isolates, the byte-order mark …), line and
 * paragraph separators, and lone surrogates.
 */
const ACTING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const visible = (character: string): string =>
  NAMED[character] ?? `\\u{${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`;

/**
 * The text as one line a terminal shows as it is: every control, format or separator character is
 * written as a visible escape (`\n`, `\r`, `\t`, `\u{1B}`, `\u{202E}`), everything else is kept.
 */
export const escapeForTerminal = (text: string): string => text.replace(ACTING, visible);

/**
 * Characters that mean something inline in Markdown (GitHub's flavour) or in the HTML it may hold.
 * Data is never written at the start of a line, so `#`, `-`, `+` and `>` there need no escape.
 */
const MARKUP = /[\\`*_[\]|~<>&]/g;

const ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/**
 * The text as literal Markdown inline content, also inside a table cell: acting characters escaped
 * as for a terminal, then every Markdown punctuation character backslash-escaped and `<`, `>`, `&`
 * written as entities, so that data renders as the characters it holds and never as markup.
 */
export const escapeMarkdown = (text: string): string =>
  escapeForTerminal(text).replace(MARKUP, (character) => ENTITIES[character] ?? `\\${character}`);

/**
 * Characters JSON may hold raw that a terminal acts on instead of showing: DEL and C1 controls,
 * Unicode format characters (zero-width, bidi overrides …), line and paragraph separators.
 */
const ACTING_IN_JSON = /[\u007F-\u009F\p{Cf}\u2028\u2029]/gu;

const jsonEscape = (character: string): string =>
  [...character].map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');

/**
 * JSON with bigints as decimal strings (global positions do not fit a JSON number on every store),
 * and every character a terminal would act on written as a `\uXXXX` escape: the same value once
 * parsed, safe to print. `indent` pretty-prints, as `JSON.stringify` does.
 */
export const printableJson = (value: unknown, indent?: number): string =>
  JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item), indent).replace(ACTING_IN_JSON, jsonEscape);

/**
 * What went wrong parsing a line as JSON, without the snippet of the line that the parser quotes:
 * the line may hold personal data or bytes that are not text.
 */
export const jsonProblem = (thrown: unknown): string => {
  const message = thrown instanceof Error ? thrown.message : '';
  const position = /at position (\d+)/.exec(message)?.[1];
  if (/end of (JSON )?input/i.test(message)) return 'not valid JSON (it ends too early)';
  return position === undefined ? 'not valid JSON' : `not valid JSON (at character ${Number(position) + 1})`;
};
