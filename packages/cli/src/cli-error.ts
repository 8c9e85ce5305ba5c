import { stat } from 'node:fs/promises';
import type { DomainError } from '@aftersales/core';

/**
 * Exit codes of every subcommand: 0 done, 1 the input (or the log) had problems that were reported,
 * 2 the command could not do its job: a usage mistake or a store that cannot be used.
 */
export const ExitCode = { ok: 0, problems: 1, failure: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the user can act on: printed as one line on stderr, never with a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string): CliError => new CliError(message, ExitCode.failure);

export const storeError = (error: DomainError): CliError => new CliError(`store error (${error.code}): ${error.message}`, ExitCode.failure);

/**
 * Checks that a path given as an input file is a file that exists, naming what it is instead. With
 * `regular`, a device or a pipe is refused too: an exported log is read more than once, and
 * `/dev/zero` would be one endless line.
 */
export const mustBeFile = async (file: string, { regular = false }: { readonly regular?: boolean } = {}): Promise<void> => {
  let found;
  try {
    found = await stat(file);
  } catch {
    throw usageError(`cannot read ${file}: no such file`);
  }
  if (found.isDirectory()) throw usageError(`${file} is a directory, not a file`);
  if (regular && !found.isFile()) throw usageError(`${file} is not a regular file (a device or a pipe): an exported log is read from a file, more than once`);
};
