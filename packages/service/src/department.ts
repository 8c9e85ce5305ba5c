import { randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, KeyStore, SecurityLog } from '@aftersales/core';
import { InMemoryKeyStore, InMemoryProjectionStore } from '@aftersales/core';
import type { DepartmentCommands } from '@aftersales/domain';
import { departmentCommands, departmentEventPipeline } from '@aftersales/domain';
import type { KpiConfig, ReadModelBackend } from '@aftersales/read-models';
import type { ServiceError } from './errors.js';
import type { StoreLocation } from './location.js';
import { parseStoreUrl } from './location.js';
import { memorySettings } from './log.js';
import type { OpenedReadModels } from './read-models.js';
import { checkDepartmentOptions } from './options.js';
import { openReadModels } from './read-models.js';
import type { OpenStoreOptions, OpenedStore } from './store.js';
import { openStore } from './store.js';

interface CommonOptions {
  /** Where the read models keep their rows: a URL (`sqlite:<path>`, `postgres://…`, `memory:`) or a backend; beside the log by default. */
  readonly readModels?: string | ReadModelBackend;
  /** The versioned KPI rules the read models judge by; the department's defaults otherwise. */
  readonly kpiConfig?: KpiConfig;
  /** Spans and metrics of command handling (see `createDepartment`); on by default. */
  readonly telemetry?: boolean;
  /** How many events a load reads past a stream's snapshot before it takes a new one (see `createDepartment`). */
  readonly snapshotEvery?: number;
}

/** A department whose log `openDepartment` opens from a URL or a location, with its keys file beside it. */
export interface OpenDepartmentAt extends CommonOptions, OpenStoreOptions {
  /** A store URL (`sqlite:<path>`, `memory:`, `esdb://host:port`) or a location (see `parseStoreUrl`). */
  readonly store: string | StoreLocation;
}

/** A department over a store the program opened itself (an adapter of its own, a store with a test clock). */
export interface OpenDepartmentOver extends CommonOptions {
  /** The log as stored; `openDepartment` closes it with the department. */
  readonly store: EventStore;
  /** The customers' keys, which the program closes itself; keys in memory, gone with the process, when absent. */
  readonly keyStore?: KeyStore;
}

export type OpenDepartmentOptions = OpenDepartmentAt | OpenDepartmentOver;

/** A department opened by `openDepartment`: its log and keys, its command side and its read models. */
export interface OpenedDepartment extends OpenedStore {
  /** The command side: `handle` for commands built in code, `handleUntrusted` for input from outside. */
  readonly department: DepartmentCommands;
  readonly securityLog: SecurityLog;
  readonly readModels: OpenedReadModels;
  /** Closes the read models, the keys it opened and the log. */
  close(): Promise<void>;
}

const isStoreGiven = (options: OpenDepartmentOptions): options is OpenDepartmentOver => typeof options.store === 'object' && 'appendToStream' in options.store;

/** A store the program opened: what it keeps about itself lives as long as the process. */
const givenStore = (options: OpenDepartmentOver): OpenedStore => {
  const raw = options.store;
  const keyStore = options.keyStore ?? new InMemoryKeyStore(randomBytes(32));
  return {
    location: undefined,
    raw,
    store: departmentEventPipeline(raw, keyStore),
    keyStore,
    projectionStore: new InMemoryProjectionStore(),
    settings: memorySettings(),
    transaction: undefined,
    close: () => raw.close(),
  };
};

const openedStore = async (options: OpenDepartmentOptions): Promise<E.Either<ServiceError, OpenedStore>> => {
  if (isStoreGiven(options)) return E.right(givenStore(options));
  const location = typeof options.store === 'string' ? parseStoreUrl(options.store) : E.right(options.store);
  if (E.isLeft(location)) return location;
  return openStore(location.right, options);
};

/**
 * Opens a department in one call: the log (from a URL, a location or a store), the customers' keys
 * bound to it, the decryption and upcasting pipeline, the command side with its security log, and
 * the read models. Every way it can fail is a `ServiceError` naming the problem, options of the
 * wrong shape (`InvalidOptions`) included; nothing is left open when it fails.
 */
export const openDepartment = async (options: OpenDepartmentOptions): Promise<E.Either<ServiceError, OpenedDepartment>> => {
  const checked = checkDepartmentOptions(options);
  if (E.isLeft(checked)) return checked;
  const opened = await openedStore(options);
  if (E.isLeft(opened)) return opened;
  const store = opened.right;
  const readModels = await openReadModels(store.store, store, {
    ...(options.readModels === undefined ? {} : { at: options.readModels }),
    ...(options.kpiConfig === undefined ? {} : { config: options.kpiConfig }),
  });
  if (E.isLeft(readModels)) {
    await store.close();
    return readModels;
  }
  const department = departmentCommands(store.store, {
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    ...(options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery }),
  });
  return E.right({
    ...store,
    department,
    securityLog: department.securityLog,
    readModels: readModels.right,
    close: async () => {
      await readModels.right.close();
      await store.close();
    },
  });
};
