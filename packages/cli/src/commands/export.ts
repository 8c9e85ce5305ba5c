import { isStoreFailure } from '@aftersales/core';
import { storeError } from '../cli-error.js';
import { ExitCode } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, storeOption, withStore } from '../context.js';
import { exportLog as exportEvents } from '@aftersales/core/log-transfer';
import { lineWriter } from '../output.js';

export const exportLog: CliCommand = {
  register(program, context) {
    program
      .command('export')
      .addOption(storeOption(context))
      .action(
        action(async (options: { readonly store: string }) =>
          // The raw log: ciphertext as stored, so the export carries no personal data and its hashes hold.
          withStore(context, options.store, { mustExist: true, keys: 'none' }, async ({ raw: store }) => {
            const out = lineWriter(context.stdout);
            let count = 0;
            try {
              count = await exportEvents(store, out.line);
            } catch (thrown) {
              if (isStoreFailure(thrown)) throw storeError(thrown.error);
              throw thrown;
            } finally {
              await out.flush();
            }
            if (context.interactive) context.stderr.write(`exported ${count} event(s)\n`);
            return ExitCode.ok;
          }),
        ),
      );
  },
};
