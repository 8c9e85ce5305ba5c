import { resolve } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { ServiceError } from './errors.js';
import { invalidStoreUrl } from './errors.js';

/** Where a department's log is: a SQLite file, memory, or an EventStoreDB cluster. */
export type StoreLocation =
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'memory' }
  | { readonly kind: 'esdb'; readonly connectionString: string };

/**
 * A `~` the shell left as it is (it expands one only at the start of a word, never after `sqlite:`):
 * taken as a path, it would create a directory named `~` beside the program.
 */
const unexpandedHome = (flag: string, url: string): string =>
  `${flag}${JSON.stringify(url)}: ~ is not expanded here, and would name a directory called "~": write the path out (sqlite:$HOME/…)`;

/** Reads a store URL: `sqlite:<path>` (made absolute), `memory:` or an EventStoreDB connection string (`esdb://host:port`). */
export const parseStoreUrl = (url: string): E.Either<ServiceError, StoreLocation> => {
  if (url === 'memory:' || url === 'memory') return E.right({ kind: 'memory' });
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.length === 0) return E.left(invalidStoreUrl('sqlite: needs a file path, e.g. sqlite:./aftersales.db'));
    return path.startsWith('~') ? E.left(invalidStoreUrl(unexpandedHome('', url))) : E.right({ kind: 'sqlite', path: resolve(path) });
  }
  const esdb = /^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover):\/\/([^/?]*)/.exec(url);
  if (esdb !== null) {
    // The client's own message for a URL without a host blames the scheme; this one says what is missing.
    const hosts = esdb[2]!.replace(/^[^@]*@/, '');
    return hosts.length === 0 ? E.left(invalidStoreUrl(`${esdb[1]}:// needs a host, e.g. ${esdb[1]}://localhost:2113?tls=false`)) : E.right({ kind: 'esdb', connectionString: url });
  }
  return E.left(invalidStoreUrl(`unknown store ${JSON.stringify(url)}: use sqlite:<path>, memory: or esdb://host:port`));
};

/** A connection string with its credentials left out, fit to print. */
const withoutCredentials = (url: string): string => url.replace(/\/\/[^@/]*@/, '//');

/** A store's location in words, credentials left out. */
export const describeStore = (location: StoreLocation): string => {
  switch (location.kind) {
    case 'sqlite':
      return `SQLite file ${location.path}`;
    case 'memory':
      return 'memory (gone when the command ends)';
    case 'esdb':
      return `EventStoreDB at ${withoutCredentials(location.connectionString)}`;
  }
};

/**
 * Where a department's read models keep their rows: beside the log (its SQLite file, or memory for
 * any other log), in a SQLite file of their own, in PostgreSQL (which many processes can share), or
 * in memory, rebuilt at every start.
 */
export type ReadModelsLocation =
  | { readonly kind: 'log' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | { readonly kind: 'postgresql'; readonly url: string }
  | { readonly kind: 'memory' };

/** Reads a read-models URL: `sqlite:<path>`, `postgres://…`, `memory:`, or nothing for beside the log. */
export const parseReadModelsUrl = (url: string | undefined): E.Either<ServiceError, ReadModelsLocation> => {
  if (url === undefined || url === '') return E.right({ kind: 'log' });
  if (url === 'memory:' || url === 'memory') return E.right({ kind: 'memory' });
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path.length === 0) return E.left(invalidStoreUrl('--read-models sqlite: needs a file path, e.g. sqlite:./read-models.db'));
    if (path.startsWith('~')) return E.left(invalidStoreUrl(unexpandedHome('--read-models ', url)));
    return E.right({ kind: 'sqlite', path: resolve(path) });
  }
  if (/^postgres(ql)?:\/\//.test(url)) return E.right({ kind: 'postgresql', url });
  return E.left(invalidStoreUrl(`unknown --read-models ${JSON.stringify(url)}: use sqlite:<path>, postgres://user@host/db or memory:`));
};

/** Where read models live, in words, credentials left out; `undefined` is a backend the program gave. */
export const describeReadModels = (location: ReadModelsLocation | undefined): string => {
  if (location === undefined) return 'the backend given';
  switch (location.kind) {
    case 'log':
      return "the log's SQLite file";
    case 'sqlite':
      return `SQLite file ${location.path}`;
    case 'postgresql':
      return `PostgreSQL at ${withoutCredentials(location.url)}`;
    case 'memory':
      return 'memory (rebuilt for this command)';
  }
};
