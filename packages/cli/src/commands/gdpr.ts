import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '@aftersales/core';
import { EncryptedField, isStoreFailure, subjectPseudonym } from '@aftersales/core';
import { customerIdentifier, employeeIdentifier, normalizePhone, personalFields } from '@aftersales/domain';
import { CliError, ExitCode, storeError, usageError } from '../cli-error.js';
import type { CliCommand } from '../context.js';
import { action, commandGroup, storeOption, withStore } from '../context.js';
import { parseInstant } from '../instants.js';

interface EraseOptions {
  readonly store: string;
  readonly key?: boolean;
  readonly employee?: boolean;
  readonly at?: string;
}

/** How many plaintext events are named before the rest are only counted. */
const NAMED = 20;

/**
 * The events of a customer written before personal data was encrypted: their name and phone are
 * stored in plain text, so destroying a key cannot erase them. Named by stream and revision.
 */
const plaintextEventsOf = async (raw: EventStore, customer: string): Promise<string[]> => {
  const identifier = customerIdentifier(customer);
  const found: string[] = [];
  try {
    for await (const event of raw.readAll({ filter: { eventTypes: Object.keys(personalFields) } })) {
      const phone = (event.data as { customer?: { phone?: unknown } } | null)?.customer?.phone;
      if (typeof phone === 'string' && !EncryptedField.safeParse(phone).success && customerIdentifier(phone) === identifier) {
        found.push(`${event.streamId}@${event.revision}`);
      }
    }
  } catch (thrown) {
    if (isStoreFailure(thrown)) throw storeError(thrown.error);
    throw thrown;
  }
  return found;
};

export const gdpr: CliCommand = {
  register(program, context) {
    commandGroup(program, 'gdpr')
      .command('erase')
      .argument('<customer>', 'the customer: their phone number as on their orders (or, with --employee, an employee id; with --key, a key id from the raw log)')
      .option('--key', 'the argument is a key id (k-…) as it appears in the exported log')
      .option('--employee', "the argument is an employee id: erase that employee's name, leave reasons and care notes")
      .option('--at <instant>', 'when the erasure was done (now by default)')
      .addOption(storeOption(context))
      .action(
        action(async (customer: string, options: EraseOptions) => {
          const at = options.at === undefined ? new Date().toISOString() : parseInstant('--at', options.at);
          if (options.key && options.employee) throw usageError('--key and --employee name different things; pass one of them');
          if (!options.key && !options.employee && normalizePhone(customer).replace('+', '').length < 3) {
            throw usageError(`${JSON.stringify(customer)} is not a phone number; pass --key to erase by key id`);
          }
          return withStore(context, options.store, { mustExist: true, keys: 'readWrite' }, async ({ keyStore, raw }) => {
            if (options.employee) {
              const secret = await keyStore.pseudonymSecret();
              if (E.isLeft(secret)) throw new CliError(secret.left.message);
              const erased = await keyStore.eraseSubject(subjectPseudonym(secret.right, employeeIdentifier(customer)), at);
              if (E.isLeft(erased)) throw new CliError(erased.left.message);
              context.stdout.write(
                erased.right.length > 0
                  ? `erased the personal data of employee ${customer}: ${erased.right.length} key(s) destroyed (${erased.right.join(', ')}); their name, leave reasons and care notes now read [erased]\n`
                  : `no key for employee ${customer}: nothing to erase (unknown, or already erased)\n`,
              );
              return ExitCode.ok;
            }
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
            const phone = normalizePhone(customer);
            const plaintext = await plaintextEventsOf(raw, customer);
            context.stdout.write(
              erased.right.length > 0
                ? `erased the personal data of customer ${phone}: ${erased.right.length} key(s) destroyed (${erased.right.join(', ')}); their encrypted orders now read [erased]\n`
                : `no key for customer ${phone}: nothing to erase (unknown, or already erased)\n`,
            );
            if (plaintext.length === 0) return ExitCode.ok;
            const named = plaintext.length > NAMED ? `${plaintext.slice(0, NAMED).join(', ')} and ${plaintext.length - NAMED} more` : plaintext.join(', ');
            context.stdout.write(
              `NOT ERASED: ${plaintext.length} event(s) of customer ${phone} from before personal data was encrypted hold their name and phone in plain text, which no key erasure removes: ${named}\n`,
            );
            return ExitCode.problems;
          });
        }),
      );
  },
};
