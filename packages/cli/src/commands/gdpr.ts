import * as E from 'fp-ts/lib/Either.js';
import { subjectPseudonym } from '@aftersales/core';
import { customerIdentifier, normalizePhone } from '@aftersales/domain';
import { CliError, ExitCode, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, commandGroup, storeOption, withStore } from '../context.js';
import { parseAsOf } from '../instants.js';

interface EraseOptions {
  readonly store: string;
  readonly key?: boolean;
  readonly at?: string;
}

export const gdpr: CliCommand = {
  register(program, context) {
    commandGroup(program, 'gdpr', "Customers' personal data")
      .command('erase')
      .description("Erase a customer's name and phone from every order by destroying their key; the log and its hashes stay as they are")
      .argument('<customer>', 'the customer: their phone number as on their orders (or, with --key, a key id from the raw log)')
      .option('--key', 'the argument is a key id (k-…) as it appears in the exported log')
      .option('--at <instant>', 'when the erasure was done (now by default)')
      .addOption(storeOption(context))
      .action(
        action(async (customer: string, options: EraseOptions) => {
          const at = options.at === undefined ? new Date().toISOString() : parseAsOf(options.at, '--at');
          if (!options.key && normalizePhone(customer).replace('+', '').length < 3) {
            throw usageError(`${JSON.stringify(customer)} is not a phone number; pass --key to erase by key id`);
          }
          return withStore(options.store, { mustExist: true }, async ({ keyStore }) => {
            if (options.key) {
              const erased = await keyStore.eraseKey(customer, at);
              if (E.isLeft(erased)) throw new CliError(erased.left.message);
              context.stdout.write(erased.right ? `erased key ${customer}\n` : `key ${customer} is unknown or already erased: nothing to do\n`);
              return ExitCode.ok;
            }
            const secret = await keyStore.pseudonymSecret();
            if (E.isLeft(secret)) throw new CliError(secret.left.message);
            const erased = await keyStore.eraseSubject(subjectPseudonym(secret.right, customerIdentifier(customer)), at);
            if (E.isLeft(erased)) throw new CliError(erased.left.message);
            context.stdout.write(
              erased.right.length > 0
                ? `erased the personal data of customer ${normalizePhone(customer)}: ${erased.right.length} key(s) destroyed (${erased.right.join(', ')}); their orders now read [erased]\n`
                : `no key for customer ${normalizePhone(customer)}: nothing to erase (unknown, or already erased)\n`,
            );
            return ExitCode.ok;
          });
        }),
      );
  },
};
