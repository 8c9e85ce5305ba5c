import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, KeyStore } from '@aftersales/core';
import { departmentEventPipeline } from '@aftersales/domain';
import type { ServiceError } from './errors.js';
import type { KeyAccess, KeyStoreOptions, OpenedKeyStore } from './keys.js';
import { openKeyStore } from './keys.js';
import type { StoreLocation } from './location.js';
import type { OpenLogOptions, OpenedLog } from './log.js';
import { openLog } from './log.js';

/** A log with the customers' keys beside it: the department's store reads and writes through them, `raw` does not. */
export interface OpenedStore extends OpenedLog {
  /** The log as the department reads and writes it: personal data encrypted on the way in, decrypted (or `[erased]`) on the way out, every event upcast. */
  readonly store: EventStore;
  /** The customers' keys. */
  readonly keyStore: KeyStore;
  /** Closes the keys and the log. */
  close(): Promise<void>;
}

export interface OpenStoreOptions extends OpenLogOptions, KeyStoreOptions {
  /** How the program uses the keys: read-only when `mustExist` is asked, read and write otherwise, unless given. */
  readonly keys?: KeyAccess;
}

/** Puts the keys of an opened log beside it: the second half of `openStore`. The log is closed with the returned store. */
export const withKeys = (log: OpenedLog, keys: OpenedKeyStore): OpenedStore => ({
  ...log,
  store: departmentEventPipeline(log.raw, keys.keyStore),
  keyStore: keys.keyStore,
  close: async () => {
    keys.close();
    await log.close();
  },
});

/** Opens the key store of an opened log (see `openKeyStore`), closing the log when the keys cannot be used. */
export const attachKeys = async (log: OpenedLog & { readonly location: StoreLocation }, access: KeyAccess, options: KeyStoreOptions = {}): Promise<E.Either<ServiceError, OpenedStore>> => {
  const keys = await openKeyStore(log, access, options).catch(async (thrown: unknown) => {
    await log.close();
    throw thrown;
  });
  if (E.isLeft(keys)) {
    await log.close();
    return keys;
  }
  return E.right(withKeys(log, keys.right));
};

/** Opens the log at `location` and the customers' keys beside it, checking that they belong together (see `openKeyStore`). */
export const openStore = async (location: StoreLocation, options: OpenStoreOptions = {}): Promise<E.Either<ServiceError, OpenedStore>> => {
  const log = await openLog(location, options);
  if (E.isLeft(log)) return log;
  return attachKeys({ ...log.right, location }, options.keys ?? (options.mustExist ? 'readOnly' : 'readWrite'), options);
};
