import { rename, writeFile } from 'node:fs/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, LogAnchor, SealOptions, SealResult } from '@aftersales/core';
import { Actor, formatAnchor, sealLog } from '@aftersales/core';
import { CliError, ExitCode, storeError, usageError } from './cli-error.js';

/** How often a seal is tried again when another process appended a checkpoint at the same moment. */
const SEAL_ATTEMPTS = 3;

/** The auditor named by `--actor`, checked as every stored event's actor is, so a seal can always be read back. */
export const auditorOf = (id: string): Actor => {
  const parsed = Actor.safeParse({ id, role: 'Auditor' });
  if (!parsed.success) throw usageError(`--actor ${JSON.stringify(id.length > 40 ? `${id.slice(0, 40)}…` : id)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
};

/**
 * Verifies the log and appends an integrity checkpoint when anything is new. A checkpoint appended
 * by another process in between is no failure: the seal is tried again on the log as it now is.
 */
export const sealStore = async (raw: EventStore, options: SealOptions): Promise<SealResult> => {
  const sealed = await sealLog(raw, { ...options, attempts: SEAL_ATTEMPTS });
  if (E.isLeft(sealed)) throw storeError(sealed.left);
  return sealed.right;
};

/**
 * The seal that `run`, `import` and `demo` leave when they finish, so that tampering with what they
 * wrote shows even if nobody runs `audit seal`. Returns the line to print.
 */
export const sealAfterWriting = async (raw: EventStore, command: string): Promise<string> => {
  const sealed = await sealStore(raw, { actor: { id: `aftersales-${command}`, role: 'Auditor' }, at: new Date().toISOString() });
  if (!sealed.report.intact) {
    throw new CliError(`the log is not intact (${sealed.report.problemCount} problem(s)), so it was not sealed: run \`aftersales audit verify\``, ExitCode.problems);
  }
  return `${sealed.sealed ? 'sealed' : 'already sealed'} the log: anchor ${formatAnchor(sealed.anchor)}`;
};

/** Writes an anchor to a file a user keeps apart from the log; a temporary name first, so a kill leaves no half anchor. */
export const writeAnchorFile = async (file: string, anchor: LogAnchor): Promise<void> => {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${formatAnchor(anchor)}\n`);
    await rename(temporary, file);
  } catch (thrown) {
    throw usageError(`cannot write the anchor to ${file}: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
  }
};
