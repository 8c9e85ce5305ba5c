import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../canonical-json.js';
import type { RecordedEvent } from '../messages.js';
import type { ProblemLog } from './problems.js';

/** The stream that holds integrity checkpoints; verification reads it like any other stream as well. */
export const INTEGRITY_STREAM = 'Integrity-checkpoints';
export const INTEGRITY_CHECKPOINTED = 'IntegrityCheckpointed';

export const StreamHead = z.strictObject({
  streamId: z.string().min(1),
  revision: z.number().int().nonnegative(),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type StreamHead = z.infer<typeof StreamHead>;

/**
 * The data of an `IntegrityCheckpointed` event: the state of the first `eventCount` events of the log
 * (counted in global order, so it survives an export and import into another store). `heads` lists
 * the last revision and hash of every stream that changed since the previous checkpoint; `mac`, when
 * present, is an HMAC-SHA256 of the rest with the auditor's key.
 */
export const IntegrityCheckpoint = z.strictObject({
  eventCount: z.number().int().nonnegative(),
  streamCount: z.number().int().nonnegative(),
  logDigest: z.string().regex(/^[0-9a-f]{64}$/),
  headsDigest: z.string().regex(/^[0-9a-f]{64}$/),
  heads: z.array(StreamHead),
  mac: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type IntegrityCheckpoint = z.infer<typeof IntegrityCheckpoint>;

/** Each stream's last revision and hash, as the log read so far leaves them. */
export type Heads = ReadonlyMap<string, { readonly revision: number; readonly hash: string }>;

const digestHeads = (heads: Heads): string => {
  const hash = createHash('sha256');
  for (const streamId of [...heads.keys()].sort()) {
    const head = heads.get(streamId)!;
    hash.update(`${JSON.stringify(streamId)}\n${head.revision}\n${head.hash}\n`);
  }
  return hash.digest('hex');
};

const macOf = (key: Uint8Array, checkpoint: IntegrityCheckpoint): string => {
  const { mac: _mac, ...content } = checkpoint;
  return createHmac('sha256', key).update(canonicalJson(content)).digest('hex');
};

const sameHex = (left: string, right: string): boolean =>
  left.length === right.length && timingSafeEqual(Buffer.from(left, 'hex'), Buffer.from(right, 'hex'));

/** The checkpoint that seals a log of `eventCount` events whose digest is `logDigest`, naming the heads of the streams in `changed`. */
export const checkpointOf = (
  log: { readonly eventCount: number; readonly logDigest: string; readonly heads: Heads },
  changed: ReadonlySet<string>,
  auditKey?: Uint8Array,
): IntegrityCheckpoint => {
  const { heads } = log;
  const content: IntegrityCheckpoint = {
    eventCount: log.eventCount,
    streamCount: heads.size,
    logDigest: log.logDigest,
    headsDigest: digestHeads(heads),
    heads: [...changed].sort().flatMap((streamId) => {
      const head = heads.get(streamId);
      return head === undefined ? [] : [{ streamId, revision: head.revision, hash: head.hash }];
    }),
  };
  return auditKey === undefined ? content : { ...content, mac: macOf(auditKey, content) };
};

/** How many events of the log the latest decodable checkpoint among `events` sealed (0 when none). */
export const eventsSealed = (events: readonly RecordedEvent[]): number =>
  events.reduce((count, event) => {
    const parsed = IntegrityCheckpoint.safeParse(event.data);
    return parsed.success ? Math.max(count, parsed.data.eventCount) : count;
  }, 0);

interface PendingCheckpoint {
  readonly checkpoint: IntegrityCheckpoint;
  readonly streamId: string;
  readonly revision: number;
}

/**
 * Decodes the checkpoints found in `events` (and checks the MACs they carry with the audit key), then
 * checks each when the log reaches what it sealed. With an audit key, a checkpoint without a MAC is
 * checked like any other but vouched for by nothing but the log: the seals that `run` and `import`
 * make between two audits carry none, as the key stays with the auditor. `vouched()` tells how far
 * the key vouches: the events covered by the furthest checkpoint whose MAC it made.
 */
export const createCheckpointCheck = (events: readonly RecordedEvent[], auditKey: Uint8Array | undefined, problems: ProblemLog) => {
  const pending: PendingCheckpoint[] = [];
  let vouched = 0;
  for (const event of events) {
    if (event.type !== INTEGRITY_CHECKPOINTED) continue;
    const parsed = IntegrityCheckpoint.safeParse(event.data);
    if (!parsed.success) {
      problems.report({
        kind: 'BadCheckpoint',
        streamId: event.streamId,
        revision: event.revision,
        expected: 'an IntegrityCheckpointed event',
        found: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
        message: `checkpoint ${event.streamId}@${event.revision} does not decode`,
      });
      continue;
    }
    const checkpoint = parsed.data;
    if (auditKey !== undefined && checkpoint.mac !== undefined) {
      if (!sameHex(checkpoint.mac, macOf(auditKey, checkpoint))) {
        problems.report({
          kind: 'BadCheckpoint',
          streamId: event.streamId,
          revision: event.revision,
          expected: 'a MAC made with the audit key',
          found: checkpoint.mac,
          message: `checkpoint ${event.streamId}@${event.revision} has a MAC the audit key did not make: the checkpoint was forged or altered`,
        });
        continue;
      }
      vouched = Math.max(vouched, checkpoint.eventCount);
    }
    pending.push({ checkpoint, streamId: event.streamId, revision: event.revision });
  }
  pending.sort((a, b) => a.checkpoint.eventCount - b.checkpoint.eventCount);
  let checked = 0;

  const check = ({ checkpoint, streamId, revision }: PendingCheckpoint, logDigest: string, heads: Heads) => {
    const where = `checkpoint ${streamId}@${revision} (first ${checkpoint.eventCount} events)`;
    let named = false;
    for (const head of checkpoint.heads) {
      const state = heads.get(head.streamId);
      if (state === undefined) {
        named = true;
        problems.report({
          kind: 'CheckpointMismatch',
          streamId: head.streamId,
          revision: head.revision,
          expected: `stream at revision ${head.revision} with hash ${head.hash}`,
          found: 'no such stream',
          message: `${where}: stream ${head.streamId} was removed`,
        });
      } else if (state.revision !== head.revision) {
        named = true;
        problems.report({
          kind: 'CheckpointMismatch',
          streamId: head.streamId,
          revision: head.revision,
          expected: `last revision ${head.revision}`,
          found: `last revision ${state.revision}`,
          message:
            state.revision < head.revision
              ? `${where}: ${head.streamId} ends at revision ${state.revision}; revisions ${state.revision + 1}..${head.revision} were removed`
              : `${where}: ${head.streamId} has revisions after ${head.revision} that were not in the log when it was sealed`,
        });
      } else if (state.hash !== head.hash) {
        named = true;
        problems.report({
          kind: 'CheckpointMismatch',
          streamId: head.streamId,
          revision: head.revision,
          expected: head.hash,
          found: state.hash,
          message: `${where}: ${head.streamId}@${head.revision} was replaced and its hash recomputed`,
        });
      }
    }
    // A forgery that no head names still shows in the digests of the whole log.
    if (!named && (checkpoint.logDigest !== logDigest || checkpoint.headsDigest !== digestHeads(heads) || checkpoint.streamCount !== heads.size)) {
      problems.report({
        kind: 'CheckpointMismatch',
        streamId: '$all',
        revision: -1,
        expected: `${checkpoint.streamCount} streams, log digest ${checkpoint.logDigest}`,
        found: `${heads.size} streams, log digest ${logDigest}`,
        message: `${where}: an event sealed by an earlier checkpoint was forged, added, removed or moved`,
      });
    }
  };

  return {
    checked: (): number => checked,
    /** How many of the log's first events a checkpoint with a valid MAC covers (0 without one, or without a key). */
    vouched: (): number => vouched,
    /** Checks every checkpoint that sealed exactly the first `eventCount` events. */
    settle(eventCount: number, logDigest: string, heads: () => Heads): void {
      while (pending.length > 0 && pending[0]!.checkpoint.eventCount === eventCount) {
        checked += 1;
        check(pending.shift()!, logDigest, heads());
      }
    },
    /** At the end of the log: a checkpoint not reached sealed events that are gone. */
    finish(eventCount: number): void {
      for (const { checkpoint, streamId, revision } of pending) {
        problems.report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: `at least ${checkpoint.eventCount} events`,
          found: `${eventCount} events`,
          message: `checkpoint ${streamId}@${revision} sealed ${checkpoint.eventCount} events but the log has only ${eventCount}: events were removed`,
        });
      }
    },
  };
};
