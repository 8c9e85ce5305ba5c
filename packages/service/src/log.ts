import { existsSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, ProjectionStore, StoreError } from '@aftersales/core';
import { InMemoryEventStore, InMemoryProjectionStore } from '@aftersales/core';
import type { Connection } from '@aftersales/sqlite';
import type { ServiceError } from './errors.js';
import { fail, failuresAsValues, orStoreFailure } from './errors.js';
import type { StoreLocation } from './location.js';

/**
 * Facts a log keeps about itself outside its events: the id of the key store it is bound to, how far
 * it is known to hold no encrypted personal data, an import under way. A SQLite log keeps them in its
 * file, an EventStoreDB log in a stream of its own, a log in memory in memory.
 */
export interface StoreSettings {
  get(name: string): Promise<E.Either<StoreError, string | undefined>>;
  /** Stores `value` unless a value is there already; returns the value now stored. */
  claim(name: string, value: string): Promise<E.Either<StoreError, string>>;
  /** Stores `value`, or removes the setting when it is `undefined`. */
  set(name: string, value: string | undefined): Promise<E.Either<StoreError, void>>;
}

/** A log as stored, opened by `openLog`: no keys yet, so personal data reads as ciphertext. */
export interface OpenedLog {
  /** Where the log is; `undefined` for a store the program opened itself and gave `openDepartment`. */
  readonly location: StoreLocation | undefined;
  /** The log as stored, ciphertext and all: what export, import and verification read. */
  readonly raw: EventStore;
  /** Where read models keep their checkpoints by default: the same SQLite file, or memory. */
  readonly projectionStore: ProjectionStore;
  /** The log's SQLite connection, where the read models' tables live by default; absent for other stores. */
  readonly database?: () => Connection;
  readonly settings: StoreSettings;
  /** Runs `work` so that its appends are committed together or not at all, where the store can (SQLite). */
  readonly transaction: (<A>(work: () => Promise<A>) => Promise<A>) | undefined;
  close(): Promise<void>;
}

export interface OpenLogOptions {
  /** The store's clock for `recordedAt`; an import sets it to reproduce exported events exactly. */
  readonly clock?: () => Date;
  /** Refuse to create a missing SQLite file (`StoreMissing`): a program that only reads should leave no empty file behind. */
  readonly mustExist?: boolean;
}

/** Settings kept in memory, for a store that lives as long as the process. */
export const memorySettings = (): StoreSettings => {
  const values = new Map<string, string>();
  return {
    get: async (name) => E.right(values.get(name)),
    claim: async (name, value) => E.right(values.get(name) ?? (values.set(name, value), value)),
    set: async (name, value) => E.right(void (value === undefined ? values.delete(name) : values.set(name, value))),
  };
};

const clockOption = (options: OpenLogOptions) => (options.clock ? { clock: options.clock } : {});

const openMemory = (location: StoreLocation, options: OpenLogOptions): OpenedLog => {
  const raw = new InMemoryEventStore(clockOption(options));
  return { location, raw, projectionStore: new InMemoryProjectionStore(), settings: memorySettings(), transaction: undefined, close: () => raw.close() };
};

const openSqlite = async (location: StoreLocation & { kind: 'sqlite' }, options: OpenLogOptions): Promise<OpenedLog> => {
  if (options.mustExist && !existsSync(location.path)) fail({ code: 'StoreMissing', path: location.path, message: `no store at ${location.path}` });
  // Loaded when a SQLite log is opened, so that a program on another store never loads the native module.
  const { SqliteEventStore } = await import('@aftersales/sqlite');
  const raw = orStoreFailure(SqliteEventStore.open(location.path, clockOption(options)));
  return {
    location,
    raw,
    projectionStore: raw.projectionStore(),
    database: () => raw.database(),
    settings: {
      get: async (name) => raw.setting(name),
      claim: async (name, value) => raw.claimSetting(name, value),
      set: async (name, value) => raw.saveSetting(name, value),
    },
    transaction: (work) => raw.transaction(work),
    close: () => raw.close(),
  };
};

/**
 * The EventStoreDB adapter is an optional peer dependency, loaded only when an esdb:// store is
 * opened: the gRPC client it brings is neither installed nor loaded for SQLite or memory stores.
 */
const importEventStoreDB = async (): Promise<typeof import('@aftersales/eventstoredb')> => {
  try {
    return await import('@aftersales/eventstoredb');
  } catch (thrown) {
    const missing = (thrown as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String(thrown).includes("'@aftersales/eventstoredb'");
    if (!missing) throw thrown;
    return fail({
      code: 'AdapterMissing',
      adapter: '@aftersales/eventstoredb',
      message: 'esdb:// stores need the EventStoreDB adapter, which is not installed: install @aftersales/eventstoredb beside @aftersales/cli or @aftersales/service',
    });
  }
};

const openEventStoreDB = async (location: StoreLocation & { kind: 'esdb' }, options: OpenLogOptions): Promise<OpenedLog> => {
  const { EventStoreDBEventStore, EventStoreDBStoreSettings } = await importEventStoreDB();
  const opened = EventStoreDBEventStore.fromConnectionString(location.connectionString, clockOption(options));
  if (E.isLeft(opened)) return fail({ code: 'InvalidStoreUrl', message: opened.left.message });
  const raw = opened.right;
  const stored = new EventStoreDBStoreSettings(raw.client);
  return {
    location,
    raw,
    // Read models are rebuilt in memory at every start unless given a backend of their own.
    projectionStore: new InMemoryProjectionStore(),
    settings: {
      get: (name) => stored.get(name),
      claim: (name, value) => stored.claim(name, value),
      set: (name, value) => stored.set(name, value),
    },
    transaction: undefined,
    close: () => raw.close(),
  };
};

/** Opens the log at `location` as stored, with its settings: the first half of `openStore`, for programs that look at the log before its keys. */
export const openLog = (location: StoreLocation, options: OpenLogOptions = {}): Promise<E.Either<ServiceError, OpenedLog>> =>
  failuresAsValues(async () => {
    switch (location.kind) {
      case 'memory':
        return openMemory(location, options);
      case 'sqlite':
        return openSqlite(location, options);
      case 'esdb':
        return openEventStoreDB(location, options);
    }
  });
