import { rmSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { DomainError } from '@aftersales/core';
import type { KeyAccess, OpenedStore as ServiceStore, ServiceError, StoreLocation, StoreSettings as ServiceSettings } from '@aftersales/service';
import { attachKeys, describeStore, openLog, parseStoreUrl } from '@aftersales/service';
import { CliError, storeError, usageError } from './cli-error.js';

export type { StoreLocation };

export const DEFAULT_STORE = 'sqlite:./aftersales.db';

/** The variable that names the customers' keys file when it is not beside the log. */
export const KEYS_VARIABLE = 'AFTERSALES_KEYS';

/** A failure to open the log, its keys or its read models, as the CLI prints it: one line, exit 2. */
export const cliError = (error: ServiceError): CliError =>
  error.code === 'StoreMissing' ? usageError(`${error.message}: run \`aftersales demo\` or \`aftersales run\` first, or pass --store`) : new CliError(error.message);

/** The `Right` of a service call, or its error thrown as the CLI's one-line failure. */
export const orCliError = <A>(result: E.Either<ServiceError, A>): A => {
  if (E.isLeft(result)) throw cliError(result.left);
  return result.right;
};

/** Reads a `--store` value: `sqlite:<path>`, `memory:` or an EventStoreDB connection string. */
export const locate = (url: string): StoreLocation => orCliError(parseStoreUrl(url));

export const describeLocation = describeStore;

/** The command-line form of a location, for the hints the CLI prints. */
export const storeFlag = (location: StoreLocation, given: string): string =>
  given === DEFAULT_STORE ? '' : location.kind === 'sqlite' ? ` --store sqlite:${location.path}` : ` --store ${given}`;

/** A log's settings as the commands use them: a store failure is thrown as the CLI's one-line error. */
export interface StoreSettings {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` unless a value is there already; returns the value now stored. */
  claim(name: string, value: string): Promise<string>;
  set(name: string, value: string | undefined): Promise<void>;
}

const orStoreError = <A>(result: E.Either<DomainError, A>): A => {
  if (E.isLeft(result)) throw storeError(result.left);
  return result.right;
};

const throwingSettings = (settings: ServiceSettings): StoreSettings => ({
  get: async (name) => orStoreError(await settings.get(name)),
  claim: async (name, value) => orStoreError(await settings.claim(name, value)),
  set: async (name, value) => orStoreError(await settings.set(name, value)),
});

/** A log opened by a command, with the customers' keys beside it (see `@aftersales/service`'s `openStore`). */
export interface OpenedStore extends Omit<ServiceStore, 'location' | 'settings'> {
  readonly location: StoreLocation;
  readonly settings: StoreSettings;
}

export interface OpenOptions {
  /** The environment the command runs in: `AFTERSALES_KEYS` names the keys file there. */
  readonly env: NodeJS.ProcessEnv;
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

/**
 * Opens the log and the customers' keys beside it, checking they belong together; `store` reads
 * through them, `raw` does not. A store holding an unfinished import is refused before its keys are
 * looked at, except by `import` itself.
 */
export const openStore = async (location: StoreLocation, options: OpenOptions): Promise<OpenedStore> => {
  const log = orCliError(await openLog(location, options));
  const settings = throwingSettings(log.settings);
  const access = options.keys ?? (options.mustExist ? 'readOnly' : 'readWrite');
  try {
    const importing = options.finishingImport ? undefined : await unfinishedImport(settings);
    if (importing !== undefined) {
      throw usageError(
        `${describeLocation(location)} holds an unfinished import of ${importing.file}: its events stay hidden until \`aftersales import ${importing.file}\` with this --store finishes it`,
      );
    }
  } catch (thrown) {
    await log.close();
    throw thrown;
  }
  const keysPath = options.env[KEYS_VARIABLE];
  const opened = orCliError(await attachKeys({ ...log, location }, access, { keysName: KEYS_VARIABLE, ...(keysPath ? { keysPath } : {}) }));
  try {
    if (access === 'readWrite' && !options.demo) await settings.set(DEMO_MARK, undefined);
  } catch (thrown) {
    await opened.close();
    throw thrown;
  }
  return { ...opened, location, settings };
};

/** Deletes a SQLite store with its write-ahead log, so that the next open starts from nothing. */
export const deleteSqliteFile = (path: string): void => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};
