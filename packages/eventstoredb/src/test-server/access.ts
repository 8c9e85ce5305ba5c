import type { InMemoryLog } from './log.js';

/** A user of the secure test server: a password and the groups it belongs to (`$admins`, `$ops`, or any). */
export interface TestUser {
  readonly password: string;
  readonly groups: readonly string[];
}

/** What a call asks to do to a stream, as the server's ACL names it. */
export type StreamOperation = '$r' | '$w' | '$d' | '$mr' | '$mw';

export const ALL_STREAM = '$all';

export interface Principal {
  readonly name: string;
  readonly groups: readonly string[];
}

/** Reads `authorization: Basic …` and checks it against the users; undefined for a missing or wrong one. */
export const authenticate = (header: string | undefined, users: Readonly<Record<string, TestUser>>): Principal | undefined => {
  const match = /^Basic (.+)$/.exec(header ?? '');
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  const name = decoded.slice(0, separator);
  const user = users[name];
  return separator > 0 && user !== undefined && user.password === decoded.slice(separator + 1) ? { name, groups: user.groups } : undefined;
};

const rolesOf = (entry: string | readonly string[] | undefined): readonly string[] | undefined =>
  entry === undefined ? undefined : typeof entry === 'string' ? [entry] : entry;

/**
 * The server's default access rules: `$admins` may do anything; a `$`-prefixed stream (checkpoints
 * under `$`, `$all` itself) is for `$admins` only; any other stream is open to every authenticated
 * user. A stream's `$acl` metadata replaces the default for the operations it names.
 */
export const mayAccess = (log: InMemoryLog, principal: Principal, streamName: string, operation: StreamOperation): boolean => {
  if (principal.groups.includes('$admins')) return true;
  const allowed = rolesOf(log.metadataOf(streamName).$acl?.[operation]);
  if (allowed !== undefined) return allowed.includes('$all') || allowed.includes(principal.name) || principal.groups.some((group) => allowed.includes(group));
  return !streamName.startsWith('$');
};

/** Metadata streams are guarded by the metadata operations of the stream they describe. */
export const accessFor = (streamName: string, write: boolean): { readonly stream: string; readonly operation: StreamOperation } =>
  streamName.startsWith('$$') && streamName !== '$$'
    ? { stream: streamName.slice(2), operation: write ? '$mw' : '$mr' }
    : { stream: streamName, operation: write ? '$w' : '$r' };
