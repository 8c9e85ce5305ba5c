/**
 * The CLI's test kit, for its own tests and the system tests: run the command in a process or in this
 * one, scratch directories, and the file names a store derives. Source only: never built or published.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: end-to-end tests run the command as `pnpm -s aftersales` does, from there. */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `aftersales <args>` in a real process, from source, and collects what it printed. */
export const aftersales = (args: readonly string[], options: { readonly input?: string; readonly env?: NodeJS.ProcessEnv } = {}): Promise<Finished> =>
  new Promise((done, failed) => {
    const child = spawn(process.execPath, ['--conditions=@aftersales/source', '--import', 'tsx', 'packages/cli/src/main.ts', ...args], {
      cwd: repositoryRoot,
      env: { ...process.env, AFTERSALES_STORE: undefined, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', failed);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });

/** A directory for one test's stores and files, removed by the returned cleanup. */
export const scratchDirectory = (): { readonly path: string; readonly file: (name: string) => string; readonly cleanup: () => void } => {
  const path = mkdtempSync(join(tmpdir(), 'aftersales-cli-'));
  return { path, file: (name) => join(path, name), cleanup: () => rmSync(path, { recursive: true, force: true }) };
};

export { runProgram } from './program.js';
export { deleteSqliteFile } from './store-url.js';
export { derivedKeyPath } from '@aftersales/service';
