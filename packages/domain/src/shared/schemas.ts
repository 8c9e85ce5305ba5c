import { CommandMetadata, Identifier, Instant } from '@aftersales/core';
import { z } from 'zod';

/*
 * The building blocks of every command field. A command's `data` is made of these, plus enums,
 * literals, numbers and booleans; `commandSchema` refuses (at definition time) a command with a
 * bare string, array or record, so that a new command cannot forget the id grammar, the free-text
 * rules or the list limit. Events keep lenient schemas (see `Stored…` below): what was stored under
 * older rules must still be read back.
 */

const buildingBlocks = new WeakSet<z.ZodType>();

/** Marks a schema as a checked building block; a derived schema (`.describe`, `.refine` …) is a new schema and is not marked. */
const block = <T extends z.ZodType>(schema: T): T => {
  buildingBlocks.add(schema);
  return schema;
};

/** The most items a list (or keys a record) in a command may hold. */
export const MAX_LIST_ITEMS = 200;
/** The most characters a free text may hold, after trimming. */
export const MAX_TEXT_CHARACTERS = 2000;

/**
 * An identifier (every `…Id`, `actor.id`, `commandId`, list of ids): 1–64 characters of
 * `A–Z a–z 0–9 . _ : / -`, starting with a letter or digit, so that two ids that look the same are
 * the same id (no spaces, look-alike letters, invisible or control characters).
 */
export const Id = block(Identifier);

/** Line feed and tab are the only control characters free text may hold. */
const ALLOWED_CONTROLS = new Set(['\n', '\t']);

/**
 * Characters that are invisible or change the direction of text: Unicode format characters
 * (zero-width space and joiners, bidi embeddings, overrides and isolates, the byte-order mark, soft
 * hyphen …), line and paragraph separators, lone surrogates, the combining grapheme joiner and the
 * blank Hangul fillers. Each can make two texts that look the same differ, or rewrite how a line reads.
 */
const INVISIBLE = /[\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5/u;
const CONTROL = /\p{Cc}/u;

const codePoint = (character: string): string =>
  `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Any character free text may not hold: one test of the whole text, so that a valid text costs one scan. */
const FORBIDDEN = /[^\P{Cc}\n\t]|[\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u115F\u1160\u3164\uFFA0]|\u034F|\u17B4|\u17B5/u;

/** What is wrong with a free text, if anything: the first forbidden character, named by its code point only. */
export const freeTextProblem = (text: string, maxCharacters = MAX_TEXT_CHARACTERS): string | undefined => {
  if (FORBIDDEN.test(text)) {
    let characters = 0;
    for (const character of text) {
      characters += 1;
      if (CONTROL.test(character) && !ALLOWED_CONTROLS.has(character)) {
        return `must not contain control character ${codePoint(character)} at character ${characters}`;
      }
      if (INVISIBLE.test(character)) {
        return `must not contain invisible or direction-changing character ${codePoint(character)} at character ${characters}`;
      }
    }
  }
  // A string's length counts UTF-16 units, never fewer than its characters: only a long one needs counting.
  if (text.length <= maxCharacters) return undefined;
  const characters = [...text].length;
  return characters > maxCharacters ? `must be at most ${maxCharacters} characters (has ${characters})` : undefined;
};

export interface FreeTextOptions {
  /** Refuse a text that is empty after trimming (default false). */
  readonly required?: boolean;
  /** At most this many characters after trimming (default and ceiling 2,000). */
  readonly max?: number;
}

/**
 * Free text a person wrote (names, requirements, reasons, opinions, clauses, defects,
 * descriptions): trimmed, at most 2,000 characters, no control characters other than line feed
 * and tab, no invisible or direction-changing characters.
 */
export const freeText = (options: FreeTextOptions = {}) => {
  const max = Math.min(options.max ?? MAX_TEXT_CHARACTERS, MAX_TEXT_CHARACTERS);
  return block(
    z
      .string()
      .trim()
      .superRefine((text, context) => {
        if (options.required === true && text.length === 0) {
          context.addIssue({ code: 'custom', message: 'must not be empty', input: text });
          return;
        }
        const problem = freeTextProblem(text, max);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem, input: text });
      }),
  );
};

/** Free text that may be empty, e.g. an opinion or a comment. */
export const FreeText = freeText();
/** Free text that must say something, e.g. a reason nobody can act on when it is blank. */
export const RequiredText = freeText({ required: true });

export interface ListOptions {
  /** At least this many items (default 0). */
  readonly min?: number;
  /** At most this many items (default and ceiling 200). */
  readonly max?: number;
  /** Refuse two equal items (default false). */
  readonly distinct?: boolean;
  /** What an item is, for messages (default `item`), e.g. `endpoint`. */
  readonly what?: string;
}

/** A list of at most 200 items, each checked by `item` (itself a building block). */
export const list = <T extends z.ZodType>(item: T, options: ListOptions = {}) => {
  const max = Math.min(options.max ?? MAX_LIST_ITEMS, MAX_LIST_ITEMS);
  const min = options.min ?? 0;
  const what = options.what ?? 'item';
  const bounded = z
    .array(item)
    .min(min, min === 1 ? `must name at least one ${what}` : `must hold at least ${min} ${what}s`)
    .max(max, `must hold at most ${max} ${what}s`);
  return block(
    options.distinct === true
      ? bounded.refine((items) => new Set(items).size === items.length, `must not name the same ${what} twice`)
      : bounded,
  );
};

/**
 * A record (e.g. scores per criterion) of at most 200 keys, each checked by `key` (a building block
 * such as `Id` or a short `freeText`). A `__proto__` key is refused first: a zod record would
 * otherwise drop it unchecked.
 */
export const keyedBy = <K extends z.ZodType<string>, V extends z.ZodType>(
  key: K,
  value: V,
  options: { readonly min?: number; readonly what?: string } = {},
) => {
  const min = options.min ?? 0;
  const what = options.what ?? 'entry';
  if (!buildingBlocks.has(key)) throw new Error('keyedBy: the key must be a building block (Id, freeText(), formatted())');
  return block(
    z
      .unknown()
      .superRefine((entries, context) => {
        if (typeof entries === 'object' && entries !== null && Object.hasOwn(entries, '__proto__')) {
          context.addIssue({ code: 'custom', path: ['__proto__'], message: 'key "__proto__" is not an identifier' });
        }
      })
      .pipe(
        z
          .record(key, value)
          .refine((entries) => Object.keys(entries).length >= min, min === 1 ? `must name at least one ${what}` : `must hold at least ${min} entries`)
          .refine((entries) => Object.keys(entries).length <= MAX_LIST_ITEMS, `must hold at most ${MAX_LIST_ITEMS} entries`),
      ),
  );
};

/**
 * A short code in a fixed format, e.g. a phone number or an appraisal cycle. The pattern must be
 * anchored (`^…$`) and is the whole rule, so that it cannot let control or invisible characters through.
 */
export const formatted = (pattern: RegExp, message: string) => {
  if (!pattern.source.startsWith('^') || !pattern.source.endsWith('$')) {
    throw new Error(`formatted(${pattern.source}): the pattern must be anchored with ^ and $`);
  }
  return block(z.string().max(MAX_TEXT_CHARACTERS).regex(pattern, message));
};

/** Money is an integer number of fen (分), never negative. */
export const Fen = z.number().int('must be an integer number of fen').nonnegative('must not be negative').max(Number.MAX_SAFE_INTEGER);

/** An instant with an offset or `Z`, between 2000-01-01 and 2099-12-31 as written (core's `Instant`). */
block(Instant);
export { Instant };

/**
 * Where a command's data holds a field that is not made of building blocks: a bare `z.string()`,
 * `z.array()` or `z.record()`, or a kind the check does not know. Empty for a well-made command.
 */
export const uncheckedFields = (schema: z.ZodType, path = 'data'): string[] => {
  if (buildingBlocks.has(schema)) return [];
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const inner = (key: string, at = path) => uncheckedFields(def[key] as z.ZodType, at);
  switch (def.type) {
    case 'enum':
    case 'literal':
    case 'number':
    case 'boolean':
    case 'null':
    case 'undefined':
      return [];
    case 'object':
      return Object.entries(def['shape'] as Record<string, z.ZodType>).flatMap(([key, value]) => uncheckedFields(value, `${path}.${key}`));
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return inner('innerType');
    case 'union':
      return (def['options'] as z.ZodType[]).flatMap((option) => uncheckedFields(option, path));
    case 'pipe':
      return [...inner('in'), ...inner('out')];
    case 'transform':
      return [];
    case 'string':
      return [`${path}: a bare string; use Id, FreeText, RequiredText, freeText(), formatted() or Instant`];
    case 'array':
      return [`${path}: a bare array; use list()`];
    case 'record':
      return [`${path}: a bare record; use keyedBy()`];
    default:
      return [`${path}: a ${def.type} schema; use the building blocks of shared/schemas.ts`];
  }
};

/**
 * Builds the schema of one command: `{ type, data, metadata }`, strict, so an unknown field is an
 * error naming it. Throws when the data holds a field that is not made of building blocks (see
 * `uncheckedFields`): a mistake in the code that defines the command, found as it loads.
 */
export const commandSchema = <const T extends string, D extends z.ZodType>(type: T, data: D) => {
  const unchecked = uncheckedFields(data);
  if (unchecked.length > 0) throw new Error(`command ${type} has fields without the shared rules: ${unchecked.join('; ')}`);
  return z.strictObject({ type: z.literal(type), data, metadata: CommandMetadata });
};

/** Builds the schema of one event: `{ type, data }`. */
export const eventSchema = <const T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data });

/**
 * The lenient shapes events are decoded with: what was stored under older, looser command rules
 * must still be read back, so events check shapes, not the command-time limits.
 */
export const StoredId = z.string().min(1);
export const StoredText = z.string();
export const StoredInstant = z.iso.datetime({ offset: true });
