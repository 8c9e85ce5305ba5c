import type { DomainError } from '../errors.js';
import type { CommandIdFilter } from './command-id-filter.js';
import { mayHoldCommandId } from './command-id-filter.js';

/** The first refusal of a command on a stream, and what the refused command was. */
export interface FirstRefusal {
  readonly error: DomainError;
  readonly commandType: string;
  readonly commandDigest: string | undefined;
}

/**
 * Everything a command on a stream is decided and appended against: the folded state, and the
 * stream's head (its last revision and that event's hash) which the append expects.
 */
export interface StreamHead {
  readonly state: unknown;
  /** The stream's last revision, -1 when it does not exist yet. */
  readonly revision: number;
  /** The hash of the event at `revision`; the genesis hash when the stream does not exist yet. */
  readonly hash: string;
  /** The business time of the stream's last event, which no later command may precede. */
  readonly lastAt: string | undefined;
  /**
   * Every command id in the stream, so that a retried command is never decided as a new one; for a
   * head folded from a snapshot, the ids after it.
   */
  readonly commandIds: Set<string>;
  /** For a head folded from a snapshot, the snapshot's filter of the command ids stored up to it. */
  readonly beforeSnapshot: CommandIdFilter | undefined;
  /** The first refusal of each command the deciders refused on this stream, by command id. */
  readonly refusals: Map<string, FirstRefusal>;
}

/**
 * Whether a command id may be stored in the stream: certainly when it is among the ids read, maybe
 * when a head from a snapshot has it in the snapshot's filter. False means a new command.
 */
const mayHoldCommand = (head: StreamHead, commandId: string): boolean =>
  head.commandIds.has(commandId) || (head.beforeSnapshot !== undefined && mayHoldCommandId(head.beforeSnapshot, commandId));

export interface StreamCache {
  /** The remembered head of a stream, unless the command id may already be in it (a retry is answered from the store). */
  lookup(streamId: string, commandId: string): StreamHead | undefined;
  remember(streamId: string, head: StreamHead): void;
  forget(streamId: string): void;
}

/**
 * The heads of the streams most recently used, in two generations: a head is looked up in the
 * newer, then in the older (and moved to the newer); once the newer holds half the capacity, the
 * older is dropped whole and the newer takes its place. So at most `capacity` heads are kept, at
 * least the `capacity / 2` most recently used, and a hit costs one map lookup instead of the delete
 * and insert a strict LRU order needs on every command. A cached head is only ever a guess: a
 * decision made on it is kept only if the store accepts the append at the cached revision, so a
 * stream changed by another process or handler costs one more read, never a wrong answer.
 */
export const streamCache = (capacity: number): StreamCache => {
  const generation = Math.max(1, Math.ceil(capacity / 2));
  let newer = new Map<string, StreamHead>();
  let older = new Map<string, StreamHead>();
  const keep = (streamId: string, head: StreamHead): void => {
    newer.set(streamId, head);
    if (newer.size >= generation) {
      older = newer;
      newer = new Map();
    }
  };
  return {
    lookup: (streamId, commandId) => {
      let entry = newer.get(streamId);
      if (entry === undefined) {
        entry = older.get(streamId);
        if (entry === undefined) return undefined;
        older.delete(streamId);
        keep(streamId, entry);
      }
      return mayHoldCommand(entry, commandId) ? undefined : entry;
    },
    remember: (streamId, head) => {
      if (capacity <= 0) return;
      older.delete(streamId);
      keep(streamId, head);
    },
    forget: (streamId) => {
      newer.delete(streamId);
      older.delete(streamId);
    },
  };
};
