import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { KeyStore } from '@aftersales/core';
import { InMemoryKeyStore, keyStoreUnavailable } from '@aftersales/core';
import { holdsCiphertext } from './ciphertext.js';
import type { ServiceError } from './errors.js';
import { fail, failuresAsValues, orStoreFailure } from './errors.js';
import type { StoreLocation } from './location.js';
import type { OpenedLog } from './log.js';

/**
 * How a program uses the customers' keys: not at all (it reads the raw log only: export,
 * verification, sealing), to read (KPIs, the audit trail, reports), or to read and write.
 */
export type KeyAccess = 'none' | 'readOnly' | 'readWrite';

/**
 * The keys file of a SQLite log, beside it and never inside it, so that a copy or an export of the
 * log carries no key: `shop.db` → `shop.keys.db`, any other name → `<name>.keys` (`shop` →
 * `shop.keys`). No two store paths share a keys file.
 */
export const derivedKeyPath = (path: string): string => (path.endsWith('.db') ? `${path.slice(0, -'.db'.length)}.keys.db` : `${path}.keys`);

/**
 * The keys file of an EventStoreDB log, in the working directory and named after the servers the
 * connection string lists (credentials and options left out, which do not change the log):
 * `esdb://admin:pw@db1:2113,db2:2113?tls=true` → `./aftersales-db1_2113+db2_2113.keys.db`. Two
 * clusters never share a keys file; two connection strings to the same servers do.
 */
export const eventStoreKeyPath = (connectionString: string): string => {
  const afterScheme = connectionString.slice(connectionString.indexOf('://') + 3);
  const hosts = afterScheme.split(/[/?#]/, 1)[0]!.replace(/^.*@/, '');
  const name = hosts
    .split(',')
    .map((host) => host.trim().toLowerCase().replace(/:/g, '_').replace(/[^a-z0-9._-]/g, '-'))
    .join('+');
  return `./aftersales-${name}.keys.db`;
};

/**
 * Where the customers' keys of a log are: `given` when set (the CLI passes `AFTERSALES_KEYS`); else
 * beside a SQLite log (see `derivedKeyPath`); in the working directory for an EventStoreDB log (see
 * `eventStoreKeyPath`); nowhere for a log in memory.
 */
export const keyStorePath = (location: StoreLocation, given?: string): string | undefined => {
  if (given) return given;
  switch (location.kind) {
    case 'sqlite':
      return derivedKeyPath(location.path);
    case 'memory':
      return undefined;
    case 'esdb':
      return eventStoreKeyPath(location.connectionString);
  }
};

/** The setting that binds a log to its key store. */
export const KEY_STORE_BINDING = 'key-store-id';

export interface OpenedKeyStore {
  readonly keyStore: KeyStore;
  /** The id of the key store the log is bound to, when it has one. */
  readonly id?: string;
  close(): void;
}

export interface KeyStoreOptions {
  /** The keys file, when not the one `keyStorePath` derives from the log's location. */
  readonly keysPath?: string;
  /** How the user names the keys file, for the errors that ask for it: `keys` unless told (the CLI: `AFTERSALES_KEYS`). */
  readonly keysName?: string;
}

/** What a program that opened no key store has: every use is refused, naming the mistake. */
const noKeyStore: KeyStore = {
  activeKey: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  key: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  eraseSubject: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  eraseKey: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  pseudonymSecret: async () => E.left(keyStoreUnavailable('this command opened no key store')),
};

const samePath = (a: string, b: string): boolean => {
  const real = (path: string) => {
    try {
      return realpathSync(path);
    } catch {
      return resolve(path);
    }
  };
  return real(a) === real(b);
};

const usable = (path: string): boolean => existsSync(path) && statSync(path).size > 0;

/**
 * Opens the key store of a log and checks that it is the one the log was written with: a log records
 * the id of its key store when first written (`KEY_STORE_BINDING`), and is then refused with any
 * other key store (`ForeignKeys`), with none while it holds ciphertext (`KeysMissing`), and with its
 * own events file as key store (`KeysInLog`). A new key store is created only for a log that holds no
 * ciphertext yet, and only with `readWrite` access; a log in memory gets keys in memory.
 */
export const openKeyStore = (
  log: Pick<OpenedLog, 'raw' | 'settings'> & { readonly location: StoreLocation },
  access: KeyAccess,
  options: KeyStoreOptions = {},
): Promise<E.Either<ServiceError, OpenedKeyStore>> =>
  failuresAsValues(async () => {
    const { location } = log;
    if (access === 'none') return { keyStore: noKeyStore, close: () => undefined };
    const path = keyStorePath(location, options.keysPath);
    if (path === undefined) return { keyStore: new InMemoryKeyStore(randomBytes(32)), close: () => undefined };
    const keysName = options.keysName ?? 'keys';
    const passKeys = `pass ${keysName}=<the keys file written with this log>`;
    const where = location.kind === 'sqlite' ? location.path : 'the log on EventStoreDB';
    if (location.kind === 'sqlite' && samePath(path, location.path)) {
      fail({ code: 'KeysInLog', path, message: `${keysName} names the events file ${location.path} itself: keep the keys in a file of their own, e.g. ${keysName}=${derivedKeyPath(location.path)}` });
    }
    const bound = orStoreFailure(await log.settings.get(KEY_STORE_BINDING));
    if (!usable(path)) {
      if (bound !== undefined) fail({ code: 'KeysMissing', path, message: `${where} was written with key store ${bound}, but ${path} is missing or empty: ${passKeys}` });
      if (await holdsCiphertext(log.raw, log.settings)) fail({ code: 'KeysMissing', path, message: `${where} holds encrypted personal data, but its keys file ${path} is missing or empty: ${passKeys}` });
      if (access === 'readOnly') return { keyStore: new InMemoryKeyStore(randomBytes(32)), close: () => undefined };
    }
    const { SqliteKeyStore } = await import('@aftersales/sqlite');
    const opened = SqliteKeyStore.open(path, { readOnly: access === 'readOnly' });
    if (E.isLeft(opened)) return fail({ code: 'KeysUnusable', path, message: opened.left.message });
    const keyStore = opened.right;
    try {
      const id = keyStore.id();
      if (E.isLeft(id)) return fail({ code: 'KeysUnusable', path, message: id.left.message });
      if (bound !== undefined && id.right !== bound) {
        fail({ code: 'ForeignKeys', path, message: `${path} is key store ${id.right ?? 'without an id'}, not key store ${bound} that ${where} was written with: ${passKeys}` });
      }
      if (bound === undefined && id.right !== undefined && access === 'readWrite') {
        const claimed = orStoreFailure(await log.settings.claim(KEY_STORE_BINDING, id.right));
        if (claimed !== id.right) fail({ code: 'ForeignKeys', path, message: `${path} is key store ${id.right}, not key store ${claimed} that ${where} was written with: ${passKeys}` });
      }
      return { keyStore, ...(id.right === undefined ? {} : { id: id.right }), close: () => keyStore.close() };
    } catch (thrown) {
      keyStore.close();
      throw thrown;
    }
  });
