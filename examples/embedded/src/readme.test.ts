import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const scratch = join(here, '..', '.snippets');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("runs the README's quickstart as written and prints what the README says it prints", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const snippet = /## Quickstart[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet).toBeDefined();
  // The snippet runs inside this package, so that it resolves the workspace packages; its database
  // file lands in the scratch folder, removed afterwards.
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  const file = join(scratch, 'quickstart.ts');
  writeFileSync(file, snippet!);
  const run = spawnSync(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', file], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(run.stdout).toContain("[ 'RepairOrder-RO-1@0 RepairOrderReceived' ]");
  expect(run.stdout).toContain('refused: Forbidden');
  expect(run.stdout).toContain("0 / 1 missed: [ 'RO-1' ]");
  // The customer's name is stored encrypted, and the Auditor's attempt is in the security log.
  for (const file of ['department.db', 'department.db-wal']) {
    if (existsSync(join(scratch, file))) expect(readFileSync(join(scratch, file)).includes(Buffer.from('王芳'))).toBe(false);
  }
  const exported = spawnSync(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', join(root, 'packages/cli/src/main.ts'), 'audit', 'trail', '--json', '--store', `sqlite:${join(scratch, 'department.db')}`], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
  expect(exported.stdout).toContain('SecurityLog-');
});
