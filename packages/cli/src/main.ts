#!/usr/bin/env node
import { ExitCode } from './cli-error.js';
import { runProgram } from './program.js';
import { startTelemetry, UnknownExporter } from '@aftersales/service/telemetry';

// A reader that stops early (`aftersales export | head`) is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const startTelemetryOrSay = async () => {
  try {
    return await startTelemetry(process.env, process.stderr);
  } catch (thrown) {
    if (!(thrown instanceof UnknownExporter)) throw thrown;
    process.stderr.write(`aftersales: ${thrown.message}\n`);
    return undefined;
  }
};

// The SDK is registered before anything is handled, so that every command's span and metric reaches it.
const telemetry = await startTelemetryOrSay();
if (telemetry === undefined) {
  process.exitCode = ExitCode.failure;
} else {
  process.exitCode = await runProgram(process.argv.slice(2), {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: process.stderr.isTTY === true,
    env: process.env,
  });
  await telemetry.shutdown();
}
