import type { StoreError } from '@aftersales/core';
import { storeRejected } from '@aftersales/core';
import type { StreamsClient } from './client.js';
import { toStoreError } from './errors.js';

/** The oldest server the adapter supports: filtered reads of `$all` end (caught-up) from 23.10 on. */
export const MINIMUM_SERVER_VERSION = [23, 10] as const;

/** `major.minor` of a version such as `24.10.0` or `25.1.0-rc.1`; undefined when it is not one. */
export const parseServerVersion = (version: string): readonly [number, number] | undefined => {
  const match = /^(\d+)\.(\d+)/.exec(version.trim());
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
};

export const isSupportedServerVersion = (version: string): boolean => {
  const parsed = parseServerVersion(version);
  if (parsed === undefined) return false;
  const [major, minor] = parsed;
  return major > MINIMUM_SERVER_VERSION[0] || (major === MINIMUM_SERVER_VERSION[0] && minor >= MINIMUM_SERVER_VERSION[1]);
};

/**
 * Asks the server its version (the client learns it from ServerFeatures when it connects, so this
 * costs no extra round trip) and refuses one older than 23.10: before it a filtered read of `$all`
 * never ends, and before 22.6 appended events have no position. A server without ServerFeatures
 * (before 21.10) reports no version and is refused too.
 */
export const checkServerVersion = async (client: StreamsClient): Promise<StoreError | undefined> => {
  let version: string;
  try {
    version = await client.serverVersion();
  } catch (thrown) {
    return toStoreError(thrown, '$all');
  }
  if (isSupportedServerVersion(version)) return undefined;
  return storeRejected(
    `EventStoreDB ${version === 'unknown' ? 'without a reported version (older than 21.10)' : version} is not supported: the adapter needs EventStoreDB or KurrentDB 23.10 or later`,
  );
};
