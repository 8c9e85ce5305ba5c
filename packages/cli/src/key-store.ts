import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { match } from 'ts-pattern';
import type { EventStore, KeyStore } from '@aftersales/core';
import { InMemoryKeyStore } from '@aftersales/core';
import { departmentEventPipeline } from '@aftersales/domain';
import { CliError } from './cli-error.js';
import type { StoreLocation } from './store-url.js';

/**
 * Where the customers' keys are: a SQLite file beside the log (`aftersales.db` → `aftersales.keys.db`),
 * never inside it, so that a copy or an export of the log carries no key. An EventStoreDB log keeps
 * its keys in `./aftersales.keys.db` unless `AFTERSALES_KEYS` says otherwise.
 */
export const keyStorePath = (location: StoreLocation, env: NodeJS.ProcessEnv = process.env): string | undefined =>
  env['AFTERSALES_KEYS'] ||
  match(location)
    .with({ kind: 'sqlite' }, ({ path }) => `${path.replace(/\.db$/, '')}.keys.db`)
    .with({ kind: 'memory' }, () => undefined)
    .with({ kind: 'esdb' }, () => './aftersales.keys.db')
    .exhaustive();

export interface OpenedKeyStore {
  readonly keyStore: KeyStore;
  close(): void;
}

export const openKeyStore = async (location: StoreLocation, env: NodeJS.ProcessEnv = process.env): Promise<OpenedKeyStore> => {
  const path = keyStorePath(location, env);
  if (path === undefined) return { keyStore: new InMemoryKeyStore(randomBytes(32)), close: () => undefined };
  const { SqliteKeyStore } = await import('@aftersales/sqlite');
  const opened = SqliteKeyStore.open(path);
  if (E.isLeft(opened)) throw new CliError(opened.left.message);
  const keyStore = opened.right;
  return { keyStore, close: () => keyStore.close() };
};

/**
 * The log as the department reads and writes it: customers' names and phones encrypted on the way in
 * and decrypted (or `[erased]`) on the way out, every event upcast to its newest shape. Export, import
 * and verification use the raw store instead, as the hashes cover what is stored.
 */
export const decodingStore = (raw: EventStore, keyStore: KeyStore): EventStore => departmentEventPipeline(raw, keyStore);
