import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** The first ```ts block after `heading` in a Markdown text. */
export const markdownSnippet = (markdown: string, heading: string): string => {
  const at = markdown.indexOf(heading);
  if (at < 0) throw new Error(`no heading ${heading}`);
  const section = markdown.slice(at);
  const start = section.indexOf('```ts\n') + '```ts\n'.length;
  return section.slice(start, section.indexOf('```', start));
};

/** Code compared without its indentation and blank lines, which differ between a doc and a test. */
const normalized = (code: string): string =>
  code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join('\n');

/**
 * Asserts that the code a doc shows under `heading` is the code a test runs between its
 * `// snippet:start` and `// snippet:end` lines, so the doc cannot drift from what is tested.
 */
export const expectDocSnippet = (doc: URL, heading: string, testFile: URL): void => {
  const source = readFileSync(testFile, 'utf8');
  const begin = source.indexOf('// snippet:start\n');
  const end = source.indexOf('// snippet:end');
  if (begin < 0 || end < begin) throw new Error(`${testFile.pathname} has no // snippet:start … // snippet:end`);
  const inTest = source.slice(begin + '// snippet:start\n'.length, end);
  expect(normalized(markdownSnippet(readFileSync(doc, 'utf8'), heading))).toBe(normalized(inTest));
};
