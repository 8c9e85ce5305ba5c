import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { match } from 'ts-pattern';
import { z } from 'zod';
import type { DomainError, EventStore, KeyStore, ProjectionStore } from '@aftersales/core';
import type { Connection } from '@aftersales/sqlite';
import { InMemoryEventStore, InMemoryProjectionStore } from '@aftersales/core';
import { storeError, usageError } from './cli-error.js';
import type { KeyAccess, OpenedKeyStore, StoreSettings } from './key-store.js';
import { decodingStore, openKeyStore } from './key-store.js';

export const DEFAULT_STORE = 'sqlite:./aftersales.db';

export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'esdb'; readonly connectionString: string };

/** Reads a `--store` value: `sqlite:<path>`, `memory:` or an EventStoreDB connection string. */
export const parseStoreUrl = (url: string): E.Either<string, StoreLocation> => {
  if (url === 'memory:' || url === 'memory') return E.right({ kind: 'memory' });
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    return path.length === 0 ? E.left('sqlite: needs a file path, e.g. sqlite:./aftersales.db') : E.right({ kind: 'sqlite', path: resolve(path) });
  }
  if (/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\//.test(url)) return E.right({ kind: 'esdb', connectionString: url });
  return E.left(`unknown store ${JSON.stringify(url)}: use sqlite:<path>, memory: or esdb://host:port`);
};

export const describeLocation = (location: StoreLocation): string =>
  match(location)
    .with({ kind: 'sqlite' }, ({ path }) => `SQLite file ${path}`)
    .with({ kind: 'memory' }, () => 'memory (gone when the command ends)')
    .with({ kind: 'esdb' }, ({ connectionString }) => `EventStoreDB at ${connectionString.replace(/\/\/[^@/]*@/, '//')}`)
    .exhaustive();

/** The command-line form of a location, for the hints the CLI prints. */
export const storeFlag = (location: StoreLocation, given: string): string =>
  given === DEFAULT_STORE ? '' : location.kind === 'sqlite' ? ` --store sqlite:${location.path}` : ` --store ${given}`;

export interface OpenedStore {
  readonly location: StoreLocation;
  /** The log as the department reads it: personal data decrypted (or erased), events upcast. */
  readonly store: EventStore;
  /** The log as stored, ciphertext and all: what export, import and verification read. */
  readonly raw: EventStore;
  /** The customers' keys (see `key-store.ts`). */
  readonly keyStore: KeyStore;
  /** Where read models keep their state: the same SQLite file, or memory (rebuilt at every start). */
  readonly projectionStore: ProjectionStore;
  /** The log's SQLite connection, where the read models' tables live by default; absent for other stores. */
  readonly database?: () => Connection;
  /** What the store keeps about itself outside the log's events (see `StoreSettings`); none for a store in memory that another process could share. */
  readonly settings: StoreSettings | undefined;
  /** Runs `work` so that its appends are committed together or not at all, where the store can (SQLite). */
  readonly transaction: (<A>(work: () => Promise<A>) => Promise<A>) | undefined;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** The store's clock for `recordedAt`; `import` sets it to reproduce the exported events exactly. */
  readonly clock?: () => Date;
  /** Refuse to create a missing SQLite file: commands that only read should not leave empty files behind. */
  readonly mustExist?: boolean;
  /**
   * How the command uses the customers' keys; by default read-only for commands that must find an
   * existing store (they only read), read and write for the others.
   */
  readonly keys?: KeyAccess;
  /** Set by `demo`, whose store may be replaced by the next demo; any other command that may write takes that mark away. */
  readonly demo?: boolean;
  /** Set by `import`, the one command that may open a store holding an unfinished import (to finish it). */
  readonly finishingImport?: boolean;
}

/** The setting by which `demo` marks a store as its own (see `commands/demo.ts`). */
export const DEMO_MARK = 'demo';

/**
 * The setting by which an import that cannot be one transaction (EventStoreDB) marks its store from
 * before its first append until it has stored and verified the whole file: while it is there, the
 * store's events are part of an import, and every command but a rerun of that import refuses the store.
 */
export const IMPORT_MARK = 'import';

export const ImportMark = z.strictObject({ state: z.literal('importing'), file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type ImportMark = z.infer<typeof ImportMark>;

/** The unfinished import a store holds, if any; a mark that does not decode is refused rather than taken for none. */
export const unfinishedImport = async (settings: StoreSettings | undefined): Promise<ImportMark | undefined> => {
  const text = await settings?.get(IMPORT_MARK);
  if (text === undefined) return undefined;
  const parsed = ImportMark.safeParse((() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) throw usageError(`the store's import mark does not decode (${JSON.stringify(text.slice(0, 80))}): it cannot tell which import it holds; import into another --store`);
  return parsed.data;
};

type RawStore = Omit<OpenedStore, 'raw' | 'keyStore'>;

/** Opens the log and the customers' keys beside it, checking they belong together; `store` reads through them, `raw` does not. */
export const openStore = async (location: StoreLocation, options: OpenOptions = {}): Promise<OpenedStore> => {
  const opened = await openRawStore(location, options);
  const access = options.keys ?? (options.mustExist ? 'readOnly' : 'readWrite');
  let keys: OpenedKeyStore;
  try {
    const importing = options.finishingImport ? undefined : await unfinishedImport(opened.settings);
    if (importing !== undefined) {
      throw usageError(
        `${describeLocation(location)} holds an unfinished import of ${importing.file}: its events stay hidden until \`aftersales import ${importing.file}\` with this --store finishes it`,
      );
    }
    keys = await openKeyStore(location, access, { raw: opened.store, settings: opened.settings });
    if (access === 'readWrite' && !options.demo) await opened.settings?.set(DEMO_MARK, undefined);
  } catch (thrown) {
    await opened.close();
    throw thrown;
  }
  return {
    ...opened,
    raw: opened.store,
    store: decodingStore(opened.store, keys.keyStore),
    keyStore: keys.keyStore,
    close: async () => {
      keys.close();
      await opened.close();
    },
  };
};

/** Settings kept in memory, for a store that lives as long as the process. */
const memorySettings = (): StoreSettings => {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name),
    claim: async (name, value) => values.get(name) ?? (values.set(name, value), value),
    set: async (name, value) => void (value === undefined ? values.delete(name) : values.set(name, value)),
  };
};

const orStoreError = <A>(result: E.Either<DomainError, A>): A => {
  if (E.isLeft(result)) throw storeError(result.left);
  return result.right;
};

const openRawStore = async (location: StoreLocation, options: OpenOptions): Promise<RawStore> =>
  match(location)
    .with({ kind: 'memory' }, async (memory): Promise<RawStore> => {
      const store = new InMemoryEventStore(options.clock ? { clock: options.clock } : {});
      return { location: memory, store, projectionStore: new InMemoryProjectionStore(), settings: memorySettings(), transaction: undefined, close: () => store.close() };
    })
    .with({ kind: 'sqlite' }, async (sqlite): Promise<RawStore> => {
      if (options.mustExist && !existsSync(sqlite.path)) {
        throw usageError(`no store at ${sqlite.path}: run \`aftersales demo\` or \`aftersales run\` first, or pass --store`);
      }
      const { SqliteEventStore } = await import('@aftersales/sqlite');
      const opened = SqliteEventStore.open(sqlite.path, options.clock ? { clock: options.clock } : {});
      if (E.isLeft(opened)) throw storeError(opened.left);
      const store = opened.right;
      const settings: StoreSettings = {
        get: async (name) => orStoreError(store.setting(name)),
        claim: async (name, value) => orStoreError(store.claimSetting(name, value)),
        set: async (name, value) => orStoreError(store.saveSetting(name, value)),
      };
      return {
        location: sqlite,
        store,
        projectionStore: store.projectionStore(),
        database: () => store.database(),
        settings,
        transaction: (work) => store.transaction(work),
        close: () => store.close(),
      };
    })
    .with({ kind: 'esdb' }, async (esdb): Promise<RawStore> => {
      const { EventStoreDBEventStore, EventStoreDBStoreSettings } = await importEventStoreDB();
      const opened = EventStoreDBEventStore.fromConnectionString(esdb.connectionString, options.clock ? { clock: options.clock } : {});
      if (E.isLeft(opened)) throw usageError(opened.left.message);
      const store = opened.right;
      const stored = new EventStoreDBStoreSettings(store.client);
      const settings: StoreSettings = {
        get: async (name) => orStoreError(await stored.get(name)),
        claim: async (name, value) => orStoreError(await stored.claim(name, value)),
        set: async (name, value) => orStoreError(await stored.set(name, value)),
      };
      // Read models are rebuilt in memory at every start.
      return { location: esdb, store, projectionStore: new InMemoryProjectionStore(), settings, transaction: undefined, close: () => store.close() };
    })
    .exhaustive();

/**
 * The EventStoreDB adapter is an optional peer dependency, loaded only when an esdb:// store is
 * used: the gRPC client it brings is neither installed nor loaded for SQLite or memory stores.
 */
const importEventStoreDB = async (): Promise<typeof import('@aftersales/eventstoredb')> => {
  try {
    return await import('@aftersales/eventstoredb');
  } catch (thrown) {
    const missing = (thrown as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String(thrown).includes("'@aftersales/eventstoredb'");
    if (!missing) throw thrown;
    throw usageError('esdb:// stores need the EventStoreDB adapter, which is not installed: install @aftersales/eventstoredb beside @aftersales/cli');
  }
};

/** Deletes a SQLite store with its write-ahead log, so that the next open starts from nothing. */
export const deleteSqliteFile = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};
