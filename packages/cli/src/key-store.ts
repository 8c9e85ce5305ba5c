import { randomBytes } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { match } from 'ts-pattern';
import type { EventStore, KeyStore } from '@aftersales/core';
import { EncryptedField, InMemoryKeyStore, keyStoreUnavailable } from '@aftersales/core';
import { departmentEventPipeline, personalFields } from '@aftersales/domain';
import { CliError, usageError } from './cli-error.js';
import type { StoreLocation } from './store-url.js';

/**
 * How a command uses the customers' keys: not at all (it reads the raw log only: `export`,
 * `audit verify`, `audit seal`), to read (`kpi`, `audit trail`, `report`), or to read and write.
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
 * Where the customers' keys are: `AFTERSALES_KEYS` when set; else beside a SQLite log (see
 * `derivedKeyPath`); in the working directory for an EventStoreDB log (see `eventStoreKeyPath`);
 * nowhere for a log in memory.
 */
export const keyStorePath = (location: StoreLocation, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  env['AFTERSALES_KEYS'] ||
  match(location)
    .with({ kind: 'sqlite' }, ({ path }) => derivedKeyPath(path))
    .with({ kind: 'memory' }, () => undefined)
    .with({ kind: 'esdb' }, ({ connectionString }) => eventStoreKeyPath(connectionString))
    .exhaustive();

/**
 * Facts a log keeps about itself outside its events: the id of the key store it is bound to, an
 * import under way. A SQLite log keeps them in its file, an EventStoreDB log in a stream of its own.
 */
export interface StoreSettings {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` unless a value is there already; returns the value now stored. */
  claim(name: string, value: string): Promise<string>;
  set(name: string, value: string | undefined): Promise<void>;
}

/** The setting that binds a log to its key store. */
export const KEY_STORE_BINDING = 'key-store-id';

export interface OpenedKeyStore {
  readonly keyStore: KeyStore;
  /** The id of the key store the log is bound to, when it has one. */
  readonly id?: string;
  close(): void;
}

/** What a command that opened no key store has: every use is refused, naming the mistake. */
const noKeyStore: KeyStore = {
  activeKey: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  key: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  eraseSubject: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  eraseKey: async () => E.left(keyStoreUnavailable('this command opened no key store')),
  pseudonymSecret: async () => E.left(keyStoreUnavailable('this command opened no key store')),
};

const fieldAt = (data: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), data);

/** Whether any event of the log holds a personal field encrypted under some key store. */
const holdsCiphertext = async (raw: EventStore): Promise<boolean> => {
  for await (const event of raw.readAll({ filter: { eventTypes: Object.keys(personalFields) } })) {
    const fields = personalFields[event.type] ?? [];
    if (fields.some((field) => EncryptedField.safeParse(fieldAt(event.data, field)).success)) return true;
  }
  return false;
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

const PASS_KEYS = 'pass AFTERSALES_KEYS=<the keys file written with this log>';

/**
 * Opens the key store of a log and checks that it is the one the log was written with: a log records
 * the id of its key store when first written (`StoreSettings`), and is then refused with any other
 * key store, with none while it holds ciphertext, and with its own events file as key store. A new
 * key store is created only for a log that holds no ciphertext yet, and only by a command that writes.
 */
export const openKeyStore = async (
  location: StoreLocation,
  access: KeyAccess,
  log: { readonly raw: EventStore; readonly settings: StoreSettings | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<OpenedKeyStore> => {
  if (access === 'none') return { keyStore: noKeyStore, close: () => undefined };
  const path = keyStorePath(location, env);
  if (path === undefined) return { keyStore: new InMemoryKeyStore(randomBytes(32)), close: () => undefined };
  const where = location.kind === 'sqlite' ? location.path : 'the log on EventStoreDB';
  if (location.kind === 'sqlite' && samePath(path, location.path)) {
    throw usageError(`AFTERSALES_KEYS names the events file ${location.path} itself: keep the keys in a file of their own, e.g. AFTERSALES_KEYS=${derivedKeyPath(location.path)}`);
  }
  const bound = await log.settings?.get(KEY_STORE_BINDING);
  if (!usable(path)) {
    if (bound !== undefined) throw usageError(`${where} was written with key store ${bound}, but ${path} is missing or empty: ${PASS_KEYS}`);
    if (await holdsCiphertext(log.raw)) throw usageError(`${where} holds encrypted personal data, but its keys file ${path} is missing or empty: ${PASS_KEYS}`);
    if (access === 'readOnly') return { keyStore: new InMemoryKeyStore(randomBytes(32)), close: () => undefined };
  }
  const { SqliteKeyStore } = await import('@aftersales/sqlite');
  const opened = SqliteKeyStore.open(path, { readOnly: access === 'readOnly' });
  if (E.isLeft(opened)) throw new CliError(opened.left.message);
  const keyStore = opened.right;
  try {
    const id = keyStore.id();
    if (E.isLeft(id)) throw new CliError(id.left.message);
    if (bound !== undefined && id.right !== bound) {
      throw usageError(`${path} is key store ${id.right ?? 'without an id'}, not key store ${bound} that ${where} was written with: ${PASS_KEYS}`);
    }
    if (bound === undefined && id.right !== undefined && log.settings !== undefined && access === 'readWrite') {
      const claimed = await log.settings.claim(KEY_STORE_BINDING, id.right);
      if (claimed !== id.right) throw usageError(`${path} is key store ${id.right}, not key store ${claimed} that ${where} was written with: ${PASS_KEYS}`);
    }
    return { keyStore, ...(id.right === undefined ? {} : { id: id.right }), close: () => keyStore.close() };
  } catch (thrown) {
    keyStore.close();
    throw thrown;
  }
};

/**
 * The log as the department reads and writes it: customers' names and phones encrypted on the way in
 * and decrypted (or `[erased]`) on the way out, every event upcast to its newest shape. Export, import
 * and verification use the raw store instead, as the hashes cover what is stored.
 */
export const decodingStore = (raw: EventStore, keyStore: KeyStore): EventStore => departmentEventPipeline(raw, keyStore);
