import { escapeForTerminal } from '@aftersales/core';
import { Command, CommanderError } from 'commander';
import { CliError, ExitCode } from './cli-error.js';
import type { CliContext } from './context.js';
import { exitCodeOf } from './context.js';
import { commands, groups } from './commands/index.js';

/**
 * The program with every subcommand listed, but only the modules of the one `argv` names loaded
 * (all of a group's when it names only the group): the others are their name and description,
 * enough for `--help`.
 */
export const createProgram = async (context: CliContext, argv: readonly string[]): Promise<Command> => {
  const program = new Command('aftersales')
    .description('The after-sales service department, event-sourced: run commands, read KPIs and the audit trail, export and import the log, and a demo year.')
    .version('0.1.0')
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Commander's own errors (an unknown option, a missing argument) read like every other usage error.
      outputError: (text, write) => write(usageLine(`${text.replace(/^error: /, '').trim()} (run \`aftersales --help\` for usage)`)),
    })
    .exitOverride();
  const [first, second] = namedWords(argv);
  // Subcommands inherit the exit override and the output streams, as they are created after them.
  for (const entry of commands) {
    const [head, leaf] = entry.path;
    const parent = leaf === undefined ? program : (program.commands.find((command) => command.name() === head) ?? program.command(head).description(groups[head] ?? ''));
    const name = leaf ?? head;
    const wanted = head === first && (leaf === undefined || second === undefined || leaf === second);
    if (wanted) (await entry.load()).register(program, context);
    const command = parent.commands.find((one) => one.name() === name) ?? parent.command(name);
    command.description(entry.description);
  }
  return program;
};

/** The words that name a subcommand: the first two arguments that are not options, passing over `help` (`aftersales help audit`, `aftersales audit help trail`). */
const namedWords = (argv: readonly string[]): readonly string[] => {
  const words: string[] = [];
  for (const argument of argv) {
    if (argument.startsWith('-')) {
      if (words.length > 0) break;
      continue;
    }
    if (argument === 'help') continue;
    words.push(argument);
    if (words.length === 2) break;
  }
  return words;
};

/** One line of stderr: `aftersales: …`, with anything a terminal would act on shown escaped, line breaks included. */
const usageLine = (message: string): string => `aftersales: ${escapeForTerminal(message)}\n`;

/** A multi-line message (e.g. a list of problems) as lines of stderr, each escaped on its own. */
const errorLines = (message: string): string => `aftersales: ${message.split('\n').map(escapeForTerminal).join('\n')}\n`;

/**
 * Runs the program on `argv` and returns its exit code. A mistake the user can fix is one line on
 * stderr; anything unexpected also says how to see the details (`AFTERSALES_DEBUG=1`).
 */
export const runProgram = async (argv: readonly string[], context: CliContext): Promise<number> => {
  try {
    const program = await createProgram(context, argv);
    await program.parseAsync([...argv], { from: 'user' });
    return exitCodeOf(program);
  } catch (thrown) {
    if (thrown instanceof CommanderError) {
      // Help and version are successes; every other parsing failure is a usage error, already printed.
      return thrown.exitCode === 0 ? ExitCode.ok : ExitCode.failure;
    }
    if (thrown instanceof CliError) {
      context.stderr.write(errorLines(thrown.message));
      return thrown.exitCode;
    }
    // A directory where a file belongs surfaces as a read error from deep inside a stream: it is the user's to fix.
    if ((thrown as NodeJS.ErrnoException | undefined)?.code === 'EISDIR') {
      context.stderr.write(usageLine('a directory was given where a file is expected'));
      return ExitCode.failure;
    }
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    context.stderr.write(usageLine(`unexpected failure: ${message}${context.env['AFTERSALES_DEBUG'] ? '' : ' (set AFTERSALES_DEBUG=1 for details)'}`));
    if (context.env['AFTERSALES_DEBUG'] && thrown instanceof Error && thrown.stack) context.stderr.write(`${thrown.stack}\n`);
    return ExitCode.failure;
  }
};
