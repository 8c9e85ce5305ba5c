import * as E from 'fp-ts/lib/Either.js';
import type { CorruptedEvent } from './errors.js';
import { corruptedEvent } from './errors.js';

/** Turns the data of one event type from `fromVersion` into `fromVersion + 1`. Pure. */
export interface Upcaster {
  readonly eventType: string;
  readonly fromVersion: number;
  readonly upcast: (data: unknown) => unknown;
}

export interface Upcasting {
  /** The version new events of this type are written with (1 unless an upcaster says otherwise). */
  currentVersion(eventType: string): number;
  /** Brings stored data up to the current version; an unknown future version is an error. */
  upcast(
    location: { readonly streamId: string; readonly revision: number },
    eventType: string,
    schemaVersion: number,
    data: unknown,
  ): E.Either<CorruptedEvent, unknown>;
}

/**
 * A registry of upcasters. The current version of a type is one past its newest upcaster, so adding
 * an upcaster from n to n+1 is all it takes to make n+1 the version written from then on.
 */
export const createUpcasting = (upcasters: readonly Upcaster[] = []): Upcasting => {
  const steps = new Map<string, Map<number, Upcaster['upcast']>>();
  const current = new Map<string, number>();
  for (const upcaster of upcasters) {
    const byVersion = steps.get(upcaster.eventType) ?? new Map<number, Upcaster['upcast']>();
    if (byVersion.has(upcaster.fromVersion)) {
      throw new Error(`two upcasters for ${upcaster.eventType} v${upcaster.fromVersion}`);
    }
    byVersion.set(upcaster.fromVersion, upcaster.upcast);
    steps.set(upcaster.eventType, byVersion);
    current.set(upcaster.eventType, Math.max(current.get(upcaster.eventType) ?? 1, upcaster.fromVersion + 1));
  }
  for (const [eventType, byVersion] of steps) {
    for (let version = 1; version < (current.get(eventType) ?? 1); version += 1) {
      if (!byVersion.has(version)) throw new Error(`upcasters for ${eventType} miss the step from v${version}`);
    }
  }
  return {
    currentVersion: (eventType) => current.get(eventType) ?? 1,
    upcast: (location, eventType, schemaVersion, data) => {
      const target = current.get(eventType) ?? 1;
      if (!Number.isInteger(schemaVersion) || schemaVersion < 1) {
        return E.left(corruptedEvent(location.streamId, location.revision, `${eventType} has invalid schema version ${String(schemaVersion)}`));
      }
      if (schemaVersion > target) {
        return E.left(
          corruptedEvent(
            location.streamId,
            location.revision,
            `${eventType} is at schema version ${schemaVersion}, newer than the newest this library knows (${target}); upgrade the library to read it`,
          ),
        );
      }
      let upcast = data;
      const byVersion = steps.get(eventType);
      for (let version = schemaVersion; version < target; version += 1) {
        upcast = byVersion!.get(version)!(upcast);
      }
      return E.right(upcast);
    },
  };
};
