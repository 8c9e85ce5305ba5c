import type { Readable, Writable } from 'node:stream';
import { Command, Option } from 'commander';
import { ExitCode } from './cli-error.js';
import type { OpenOptions, OpenedStore } from './store-url.js';
import { DEFAULT_STORE, locate, openStore } from './store-url.js';

/** What every subcommand gets: its streams and the way to its store. Tests and embedders can swap them. */
export interface CliContext {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Whether a person watches stderr: progress bars are drawn only then. */
  readonly interactive: boolean;
  readonly env: NodeJS.ProcessEnv;
}

/** A subcommand module: adds itself, its options and its action to the program. New subcommands are one file under `commands/`, listed in `commands/index.ts`. */
export interface CliCommand {
  register(program: Command, context: CliContext): void;
}

/** The `--store` option every subcommand takes; `AFTERSALES_STORE` changes its default. */
export const storeOption = (context: CliContext): Option =>
  new Option('--store <url>', 'where the log is: sqlite:<path>, memory: or esdb://host:port').default(
    context.env['AFTERSALES_STORE'] || DEFAULT_STORE,
  );

/** Opens the store in the command's environment, runs `work` with it, and closes it whatever happens. */
export const withStore = async <A>(context: CliContext, url: string, options: Omit<OpenOptions, 'env'>, work: (opened: OpenedStore) => Promise<A>): Promise<A> => {
  const opened = await openStore(locate(url), { ...options, env: context.env });
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
};

/** Each program's exit code, set by the action that ran: commander's actions return nothing. */
const exitCodes = new WeakMap<Command, ExitCode>();

const rootOf = (command: Command): Command => (command.parent === null ? command : rootOf(command.parent));

/** The exit code the action that `program` ran returned (0 when none ran, as for help). */
export const exitCodeOf = (program: Command): ExitCode => exitCodes.get(program) ?? ExitCode.ok;

/** Wraps an action so that the exit code it returns becomes its program's: commander passes the command last. */
export const action =
  <A extends unknown[]>(run: (...args: A) => Promise<ExitCode>) =>
  async (...args: A): Promise<void> => {
    const code = await run(...args);
    const command = args.at(-1);
    if (command instanceof Command) exitCodes.set(rootOf(command), code);
  };

/** Collects a repeatable option's values in the order given. */
export const repeated = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** A group such as `audit`, shared by the modules that add subcommands to it (`audit trail`, `audit verify`). */
export const commandGroup = (program: Command, name: string): Command => program.commands.find((command) => command.name() === name) ?? program.command(name);
