import { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commands } from './commands/index.js';
import type { CliContext } from './context.js';
import { runProgram } from './program.js';

const run = async (argv: readonly string[]): Promise<{ readonly code: number; readonly stdout: string }> => {
  let stdout = '';
  const sink = (write: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        write(chunk.toString('utf8'));
        done();
      },
    });
  const context: CliContext = { stdin: Readable.from([]), stdout: sink((text) => (stdout += text)), stderr: sink(() => undefined), interactive: false, env: {} };
  const code = await runProgram(argv, context);
  return { code, stdout };
};

describe('the program, loading only the subcommand it runs', () => {
  it('lists every subcommand and group in --help, each with its line', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    for (const name of ['demo', 'run', 'kpi', 'audit', 'export', 'import', 'gdpr', 'report']) expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    expect(stdout).toContain('The eighteen KPIs');
  });

  it("shows a subcommand's options however its help is asked for", async () => {
    for (const argv of [['help', 'kpi'], ['kpi', '--help']]) expect((await run(argv)).stdout).toContain('--period <period>');
    for (const argv of [['audit', 'help', 'trail'], ['audit', 'trail', '--help'], ['help', 'audit']]) {
      const { stdout } = await run(argv);
      expect(stdout).toContain(argv.includes('trail') ? '--cursor <position>' : 'Prove the log unaltered');
    }
  });

  it('has each listed module register exactly the subcommand its entry names', async () => {
    for (const entry of commands) {
      const program = new Command('aftersales');
      (await entry.load()).register(program, { stdin: Readable.from([]), stdout: process.stdout, stderr: process.stderr, interactive: false, env: {} });
      const [head, leaf] = entry.path;
      const top = program.commands.map((command) => command.name());
      expect(top).toEqual([head]);
      if (leaf !== undefined) expect(program.commands[0]!.commands.map((command) => command.name())).toEqual([leaf]);
    }
  });
});
