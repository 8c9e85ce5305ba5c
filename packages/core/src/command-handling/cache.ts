import type { DomainError } from '../errors.js';

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
  /** Every command id in the stream, so that a retried command is never decided as a new one. */
  readonly commandIds: Set<string>;
  /**
   * False when the head was folded from a snapshot: `commandIds` then only holds the ids after it, so
   * a decision on this head is a guess that only an append confirms, as with a cached head.
   */
  readonly complete: boolean;
  /** The first refusal of each command the deciders refused on this stream, by command id. */
  readonly refusals: Map<string, FirstRefusal>;
}

export interface StreamCache {
  /** The remembered head of a stream, unless the command id is already in it (a retry is answered from the store). */
  lookup(streamId: string, commandId: string): StreamHead | undefined;
  remember(streamId: string, head: StreamHead): void;
  forget(streamId: string): void;
}

/**
 * The heads of the streams most recently used, least recently used first out. A cached head is only
 * ever a guess: a decision made on it is kept only if the store accepts the append at the cached
 * revision, so a stream changed by another process or handler costs one more read, never a wrong
 * answer.
 */
export const streamCache = (capacity: number): StreamCache => {
  const entries = new Map<string, StreamHead>();
  return {
    lookup: (streamId, commandId) => {
      const entry = entries.get(streamId);
      if (entry === undefined) return undefined;
      entries.delete(streamId);
      entries.set(streamId, entry);
      return entry.commandIds.has(commandId) ? undefined : entry;
    },
    remember: (streamId, head) => {
      if (capacity <= 0) return;
      entries.delete(streamId);
      entries.set(streamId, head);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
    },
    forget: (streamId) => {
      entries.delete(streamId);
    },
  };
};
