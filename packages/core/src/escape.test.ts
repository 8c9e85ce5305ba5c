import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeForTerminal, escapeMarkdown } from './escape.js';

const ACTING = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

describe('escaping data for a terminal', () => {
  it('shows control, format and separator characters as visible escapes and keeps the rest', () => {
    expect(escapeForTerminal('DM-01\u001b[2J\rOK')).toBe('DM-01\\u{001B}[2J\\rOK');
    expect(escapeForTerminal('a\u202Eb\u200Bc\nd\te')).toBe('a\\u{202E}b\\u{200B}c\\nd\\te');
    expect(escapeForTerminal('王芳 wool coat – 2cm')).toBe('王芳 wool coat – 2cm');
  });

  it('property: the output holds no acting character and is the input when there was none', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeForTerminal(text);
        expect(ACTING.test(escaped)).toBe(false);
        if (!ACTING.test(text)) expect(escaped).toBe(text);
      }),
    );
  });
});

describe('escaping data for Markdown', () => {
  it('renders links, emphasis, table pipes and HTML as the characters they are', () => {
    expect(escapeMarkdown('[click](http://x) *a* _b_ `c` | <img src=x> & ~d~')).toBe(
      '\\[click\\](http://x) \\*a\\* \\_b\\_ \\`c\\` \\| &lt;img src=x&gt; &amp; \\~d\\~',
    );
    expect(escapeMarkdown('RO-1 line\nbreak')).toBe('RO-1 line\\\\nbreak');
  });

  it('property: the output holds no acting character, no unescaped markup and no raw < > &', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const escaped = escapeMarkdown(text);
        expect(ACTING.test(escaped)).toBe(false);
        expect(/[<>]/.test(escaped)).toBe(false);
        // Every markup character is preceded by an escaping backslash (itself not escaped).
        expect(escaped.replace(/\\[\\`*_[\]|~]/g, '')).not.toMatch(/[\\`*_[\]|~]/);
      }),
    );
  });
});
