import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { departmentAggregates } from '../department.js';
import { FreeText, Id, RequiredText, commandSchema, formatted, freeText, keyedBy, list, uncheckedFields } from './schemas.js';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
};

describe('Id', () => {
  it.each(['RO-1', 'EP-01', 'a', '0', 'RO-2026-000001', 'x'.repeat(64), 'urn:order/7_b.c'])('accepts %j', (id) => {
    expect(Id.safeParse(id).success).toBe(true);
  });
  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a trailing space', 'DM-01 '],
    ['a leading dash', '-RO-1'],
    ['a leading underscore', '__proto__'],
    ['a zero-width space', 'RO-1\u200B'],
    ['a bidi override', '\u202ERO-1'],
    ['a full-width letter', 'ＲO-1'],
    ['a Cyrillic O', 'RО-1'],
    ['an escape sequence', 'DM-01\u001b[2J'],
    ['a carriage return', 'DM-01\r'],
    ['a no-break space', 'DM\u00A001'],
  ])('refuses %s', (_, id) => {
    expect(issuesOf(Id, id)).toEqual(['must be 1–64 characters of A–Z a–z 0–9 . _ : / -, starting with a letter or digit']);
  });
});

describe('free text', () => {
  it('is trimmed and keeps line feeds, tabs and any script', () => {
    expect(FreeText.parse('  改腰 2cm\n\t熨烫  ')).toBe('改腰 2cm\n\t熨烫');
    expect(FreeText.parse('')).toBe('');
  });
  it.each([
    ['\u001b', 'control character U+001B at character 2'],
    ['\r', 'control character U+000D at character 2'],
    ['\u0085', 'control character U+0085 at character 2'],
    ['\u200B', 'invisible or direction-changing character U+200B at character 2'],
    ['\u202E', 'invisible or direction-changing character U+202E at character 2'],
    ['\u2066', 'invisible or direction-changing character U+2066 at character 2'],
    ['\uFEFF', 'invisible or direction-changing character U+FEFF at character 2'],
    ['\u2028', 'invisible or direction-changing character U+2028 at character 2'],
    ['\u3164', 'invisible or direction-changing character U+3164 at character 2'],
  ])('refuses %j inside a text, naming its code point, not the text', (character, problem) => {
    expect(issuesOf(FreeText, `a${character}b`)).toEqual([`must not contain ${problem}`]);
  });
  it('holds at most 2,000 characters after trimming, counted as characters', () => {
    expect(FreeText.safeParse(` ${'界'.repeat(2000)} `).success).toBe(true);
    expect(FreeText.safeParse('😀'.repeat(2000)).success).toBe(true);
    expect(issuesOf(FreeText, 'x'.repeat(2001))).toEqual(['must be at most 2000 characters (has 2001)']);
    expect(issuesOf(freeText({ max: 100 }), 'x'.repeat(101))).toEqual(['must be at most 100 characters (has 101)']);
    expect(issuesOf(freeText({ max: 5000 }), 'x'.repeat(2001))).toEqual(['must be at most 2000 characters (has 2001)']);
  });
  it('must say something where required', () => {
    expect(issuesOf(RequiredText, ' \n\t ')).toEqual(['must not be empty']);
  });
});

describe('lists and records', () => {
  it('hold at most 200 items, whatever a command asks for', () => {
    expect(list(Id).safeParse(Array.from({ length: 200 }, (_, n) => `id-${n}`)).success).toBe(true);
    expect(issuesOf(list(Id), Array.from({ length: 201 }, (_, n) => `id-${n}`))).toEqual(['must hold at most 200 items']);
    expect(issuesOf(list(Id, { max: 1000 }), Array.from({ length: 201 }, (_, n) => `id-${n}`))).toEqual(['must hold at most 200 items']);
    expect(issuesOf(list(Id, { min: 1, distinct: true, what: 'endpoint' }), ['EP-1', 'EP-1'])).toEqual(['must not name the same endpoint twice']);
    const scores = keyedBy(Id, z.number(), { min: 1, what: 'criterion' });
    expect(issuesOf(scores, Object.fromEntries(Array.from({ length: 201 }, (_, n) => [`c-${n}`, 1])))).toEqual(['must hold at most 200 entries']);
    expect(issuesOf(scores, JSON.parse('{"__proto__": 1}'))).toEqual(['key "__proto__" is not an identifier']);
  });
});

describe('commandSchema', () => {
  it('refuses, as the command is defined, a field not made of building blocks', () => {
    expect(() => commandSchema('Bad', z.strictObject({ orderId: Id, note: z.string() }))).toThrow('data.note: a bare string');
    expect(() => commandSchema('Bad', z.strictObject({ items: z.array(Id) }))).toThrow('data.items: a bare array');
    expect(() => commandSchema('Bad', z.strictObject({ scores: z.record(z.string(), z.number()) }))).toThrow('data.scores: a bare record');
    expect(() => commandSchema('Bad', z.strictObject({ reason: RequiredText.describe('why') }))).toThrow('data.reason: a bare string');
    expect(() => commandSchema('Good', z.strictObject({ orderId: Id, note: FreeText.optional(), kind: z.enum(['a']), count: z.number() }))).not.toThrow();
  });
  it('leaves no unchecked field in any command of the department', () => {
    for (const definition of departmentAggregates) {
      const options = (definition.commandSchema as unknown as { options: readonly z.ZodObject[] }).options;
      for (const option of options) expect(uncheckedFields(option.shape['data'] as z.ZodType)).toEqual([]);
    }
  });
  it('takes only anchored patterns as formats', () => {
    expect(() => formatted(/[0-9]+/, 'digits')).toThrow('anchored');
    expect(issuesOf(formatted(/^[0-9]+$/, 'digits'), '12\u001b')).toEqual(['digits']);
  });
});
