import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { Option } from 'commander';
import * as E from 'fp-ts/lib/Either.js';
import type { ExitCode } from './cli-error.js';
import { usageError } from './cli-error.js';
import type { OpenOptions, OpenedStore, StoreLocation } from './store-url.js';
import { DEFAULT_STORE, openStore, parseStoreUrl } from './store-url.js';

/** What every subcommand gets: its streams and the way to its store. Tests and embedders can swap them. */
export interface CliContext {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Whether a person watches stderr: progress bars are drawn only then. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** A subcommand module: adds itself to the program. New subcommands are one file under `commands/`. */
export interface CliCommand {
  register(program: Command, context: CliContext): void;
}

/** The `--store` option every subcommand takes; `AFTERSALES_STORE` changes its default. */
export const storeOption = (context: CliContext): Option =>
  new Option('--store <url>', 'where the log is: sqlite:<path>, memory: or esdb://host:port').default(
    context.env['AFTERSALES_STORE'] || DEFAULT_STORE,
  );

export const locate = (url: string): StoreLocation => {
  const parsed = parseStoreUrl(url);
  if (E.isLeft(parsed)) throw usageError(parsed.left);
  return parsed.right;
};

/** Opens the store, runs `work` with it, and closes it whatever happens. */
export const withStore = async <A>(url: string, options: OpenOptions, work: (opened: OpenedStore) => Promise<A>): Promise<A> => {
  const opened = await openStore(locate(url), options);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
};

/** Where an action's exit code goes: commander's actions return nothing, so the program reads it here. */
export const exitStatus = { code: 0 as ExitCode };

/** Wraps an action so that the exit code it returns becomes the program's. */
export const action =
  <A extends unknown[]>(run: (...args: A) => Promise<ExitCode>) =>
  async (...args: A): Promise<void> => {
    exitStatus.code = await run(...args);
  };

/** A group such as `audit`, shared by the modules that add subcommands to it (`audit trail`, `audit verify`). */
export const commandGroup = (program: Command, name: string, description: string): Command =>
  program.commands.find((command) => command.name() === name) ?? program.command(name).description(description);
