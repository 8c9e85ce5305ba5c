#!/usr/bin/env node
import { runProgram } from './program.js';

const code = await runProgram(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: process.stderr.isTTY === true,
  env: process.env,
});
// Let pending output drain before the exit code is set; an open store handle must not keep the process alive.
process.exitCode = code;
