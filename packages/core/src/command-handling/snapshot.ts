import { z } from 'zod';
import type { AnyAggregateDefinition } from '../aggregate.js';
import { deterministicEventId } from '../event-ids.js';
import type { EventStore } from '../event-store.js';
import type { StreamHead } from './cache.js';
import type { CommandIdFilter } from './command-id-filter.js';
import { CommandIdFilterData, emptyCommandIdFilter, withCommandIds } from './command-id-filter.js';

/** The snapshots of an aggregate stream: `Snapshots-<streamId>`, the newest last. */
export const SNAPSHOTS_PREFIX = 'Snapshots-';
export const snapshotStreamOf = (streamId: string): string => `${SNAPSHOTS_PREFIX}${streamId}`;
export const SNAPSHOT_TAKEN = 'SnapshotTaken';

/**
 * The shape of `SnapshotTaken` itself, apart from the aggregate's `version` of the state in it:
 * 2 added `commandIds`. A snapshot of an earlier shape does not decode, so it is passed over, the
 * whole stream read and a snapshot of this shape taken (its event id carries the shape, so that it
 * is not taken for the earlier one at the same revision).
 */
export const SNAPSHOT_SHAPE = 2;

/**
 * A state as of one revision of its stream, with that event's hash, so that it is used only on the
 * very stream it was folded from: a stream changed under it no longer has that hash there. The
 * command ids stored up to that revision are kept as a filter, so that a command stored before the
 * snapshot and sent again is not taken for a new one.
 */
const SnapshotTakenData = z.object({
  shape: z.literal(SNAPSHOT_SHAPE),
  version: z.number().int(),
  revision: z.number().int().nonnegative(),
  hash: z.string(),
  lastAt: z.string(),
  commandIds: CommandIdFilterData,
  state: z.unknown(),
});

/** What a snapshot says about a stream up to its revision. */
export interface Snapshot {
  readonly state: unknown;
  readonly revision: number;
  readonly hash: string;
  readonly lastAt: string;
  readonly commandIds: CommandIdFilter;
}

/**
 * The newest snapshot of a stream, if there is one of the aggregate's current version that decodes;
 * anything else (none, another version, a store that cannot be read) means reading the whole stream.
 */
export const readSnapshot = async (store: EventStore, definition: AnyAggregateDefinition, streamId: string): Promise<Snapshot | undefined> => {
  const policy = definition.snapshot;
  if (policy === undefined) return undefined;
  try {
    for await (const stored of store.readStream(snapshotStreamOf(streamId), { direction: 'backwards', from: 'end', maxCount: 1 })) {
      const taken = SnapshotTakenData.safeParse(stored.data);
      if (!taken.success || taken.data.version !== policy.version) return undefined;
      const state = policy.schema.safeParse(taken.data.state);
      return state.success ? { ...taken.data, state: state.data } : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
};

/**
 * The filter of every command id a head has seen: the snapshot's, if it was folded from one, with
 * the ids read after it. Undefined when that would hold more ids than the snapshot's filter is
 * sized for, or the snapshot's filter is damaged: the whole stream must then be read, for a new one.
 */
export const commandIdsOfHead = (head: StreamHead): CommandIdFilter | undefined => {
  const filter = withCommandIds(head.beforeSnapshot ?? emptyCommandIdFilter(head.commandIds.size), head.commandIds);
  return filter === undefined || filter.count > filter.capacity ? undefined : filter;
};

/**
 * Keeps the state at a head beside the stream, with the filter of its command ids. A snapshot only
 * saves reading: one that cannot be stored is not an error, and the next load takes it again.
 */
export const takeSnapshot = async (store: EventStore, definition: AnyAggregateDefinition, streamId: string, head: StreamHead, commandIds: CommandIdFilter): Promise<void> => {
  const policy = definition.snapshot;
  if (policy === undefined || head.revision < 0 || head.lastAt === undefined) return;
  const snapshots = snapshotStreamOf(streamId);
  const data = {
    shape: SNAPSHOT_SHAPE,
    version: policy.version,
    revision: head.revision,
    hash: head.hash,
    lastAt: head.lastAt,
    commandIds,
    state: head.state,
  };
  const id = `${SNAPSHOT_SHAPE}\u0000${policy.version}\u0000${head.revision}`;
  const metadata = { commandId: 'snapshot', correlationId: 'snapshot', causationId: 'snapshot', actor: { id: 'command-handling', role: 'System' }, occurredAt: head.lastAt, schemaVersion: 1 };
  await store.appendToStream(snapshots, [{ eventId: deterministicEventId(snapshots, id, 0), type: SNAPSHOT_TAKEN, data, metadata }], { expectedRevision: 'any' });
};
