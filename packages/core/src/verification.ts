import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { canonicalJson } from './canonical-json.js';
import type { EventStore } from './event-store.js';
import type { StoreError } from './errors.js';
import { isStoreFailure, storeUnavailable } from './errors.js';
import { deterministicEventId } from './event-ids.js';
import { GENESIS_HASH, computeEventHash, sha256Hex } from './hash-chain.js';
import type { Actor, EventToAppend, RecordedEvent } from './messages.js';

/** The stream that holds integrity checkpoints; verification reads it like any other stream as well. */
export const INTEGRITY_STREAM = 'Integrity-checkpoints';
export const INTEGRITY_CHECKPOINTED = 'IntegrityCheckpointed';

export type IntegrityProblemKind =
  /** The stored hash is not the hash of the event's content: the event was edited. */
  | 'BrokenHash'
  /** An event's `prevHash` is not the hash of the event before it: the one before was altered or replaced. */
  | 'BrokenLink'
  /** Revisions skip: events are missing. */
  | 'Gap'
  /** A revision turns up after a later one of the same stream in the log's global order. */
  | 'Reordered'
  /** A checkpoint or an anchor no longer matches the log it sealed: events were forged, added or removed. */
  | 'CheckpointMismatch'
  /** A checkpoint that does not decode, lacks its MAC, or whose MAC is wrong for the audit key. */
  | 'BadCheckpoint';

/** One thing wrong with the log, located and explained: what was expected and what was found. */
export interface IntegrityProblem {
  readonly kind: IntegrityProblemKind;
  readonly streamId: string;
  /** The revision concerned; -1 when the problem concerns the whole log rather than one event. */
  readonly revision: number;
  readonly expected: string;
  readonly found: string;
  readonly message: string;
}

/**
 * A statement about the first `eventCount` events of the log in global order: their chained digest.
 * Whoever holds an anchor outside the log (an auditor's notes, a previous report) can later prove
 * that those events are still exactly the same.
 */
export interface LogAnchor {
  readonly eventCount: number;
  readonly logDigest: string;
}

export const formatAnchor = (anchor: LogAnchor): string => `${anchor.eventCount}:${anchor.logDigest}`;

export const parseAnchor = (text: string): E.Either<string, LogAnchor> => {
  const match = /^(\d+):([0-9a-f]{64})$/.exec(text.trim());
  if (match === null) return E.left(`anchor ${JSON.stringify(text)} is not <eventCount>:<64 hex digits>`);
  return E.right({ eventCount: Number(match[1]), logDigest: match[2]! });
};

const StreamHead = z.strictObject({
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

export interface VerifyOptions {
  /** The auditor's key: every checkpoint must then carry a valid MAC. */
  readonly auditKey?: Uint8Array;
  /** Anchors kept outside the log, each checked against the log's digest at its event count. */
  readonly anchors?: readonly LogAnchor[];
  /** Stop collecting problems after this many (default 1000); the count goes on. */
  readonly maxProblems?: number;
}

export interface VerificationReport {
  readonly intact: boolean;
  readonly eventCount: number;
  readonly streamCount: number;
  /** Problems in the order found, at most `maxProblems` of them. */
  readonly problems: readonly IntegrityProblem[];
  readonly problemCount: number;
  /** How many checkpoints were checked, and whether their MACs were (an audit key was given). */
  readonly checkpoints: number;
  readonly checkpointsAuthenticated: boolean;
  readonly anchorsChecked: number;
  /** The anchor of the whole log as read: record it to prove later that nothing before it changed. */
  readonly anchor: LogAnchor;
}

const nextLogDigest = (previous: string, event: Pick<RecordedEvent, 'streamId' | 'revision' | 'metadata'>): string =>
  sha256Hex(`${previous}\n${event.streamId}\n${event.revision}\n${event.metadata.hash}`);

const digestHeads = (heads: ReadonlyMap<string, { revision: number; hash: string }>): string => {
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

interface StreamState {
  revision: number;
  hash: string;
  /** Revisions skipped by a gap, not seen yet: if one turns up later it was reordered, not lost. */
  missingFrom?: number;
  missingTo?: number;
  gapProblem?: number;
}

interface PendingCheckpoint {
  readonly checkpoint: IntegrityCheckpoint;
  readonly streamId: string;
  readonly revision: number;
}

/**
 * Verifies a log read in global order, one event at a time, holding only each stream's last revision
 * and hash (plus the checkpoints and anchors to check). Problems are located by stream and revision.
 */
export const createLogVerifier = (
  checkpointEvents: readonly RecordedEvent[],
  options: VerifyOptions = {},
) => {
  const maxProblems = options.maxProblems ?? 1000;
  const problems: IntegrityProblem[] = [];
  let problemCount = 0;
  /** What the event being added revealed (or re-explained), for callers that locate problems by input line. */
  let revealed: IntegrityProblem[] = [];
  const report = (problem: IntegrityProblem): number => {
    problemCount += 1;
    revealed.push(problem);
    if (problems.length < maxProblems) problems.push(problem);
    return problems.length - 1;
  };

  const pending: PendingCheckpoint[] = [];
  for (const event of checkpointEvents) {
    if (event.type !== INTEGRITY_CHECKPOINTED) continue;
    const parsed = IntegrityCheckpoint.safeParse(event.data);
    if (!parsed.success) {
      report({
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
    if (options.auditKey !== undefined) {
      const expected = macOf(options.auditKey, checkpoint);
      if (checkpoint.mac === undefined || !sameHex(checkpoint.mac, expected)) {
        report({
          kind: 'BadCheckpoint',
          streamId: event.streamId,
          revision: event.revision,
          expected: 'a MAC made with the audit key',
          found: checkpoint.mac ?? 'no MAC',
          message:
            checkpoint.mac === undefined
              ? `checkpoint ${event.streamId}@${event.revision} carries no MAC, so the audit key does not vouch for it`
              : `checkpoint ${event.streamId}@${event.revision} has a MAC the audit key did not make: the checkpoint was forged or altered`,
        });
        continue;
      }
    }
    pending.push({ checkpoint, streamId: event.streamId, revision: event.revision });
  }
  const anchors = [...(options.anchors ?? [])].sort((a, b) => a.eventCount - b.eventCount);
  pending.sort((a, b) => a.checkpoint.eventCount - b.checkpoint.eventCount);

  const streams = new Map<string, StreamState>();
  let eventCount = 0;
  let logDigest = GENESIS_HASH;
  let checkpointsChecked = 0;
  let anchorsChecked = 0;

  const headsNow = () => {
    const heads = new Map<string, { revision: number; hash: string }>();
    for (const [streamId, state] of streams) heads.set(streamId, { revision: state.revision, hash: state.hash });
    return heads;
  };

  /** Checks every checkpoint and anchor that covers exactly the events seen so far. */
  const settle = () => {
    while (anchors.length > 0 && anchors[0]!.eventCount === eventCount) {
      const anchor = anchors.shift()!;
      anchorsChecked += 1;
      if (anchor.logDigest !== logDigest) {
        report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: anchor.logDigest,
          found: logDigest,
          message: `the anchor at event ${anchor.eventCount} does not match: an event among the first ${anchor.eventCount} was forged, added, removed or moved`,
        });
      }
    }
    while (pending.length > 0 && pending[0]!.checkpoint.eventCount === eventCount) {
      const { checkpoint, streamId, revision } = pending.shift()!;
      checkpointsChecked += 1;
      const where = `checkpoint ${streamId}@${revision} (first ${checkpoint.eventCount} events)`;
      let named = false;
      for (const head of checkpoint.heads) {
        const state = streams.get(head.streamId);
        if (state === undefined) {
          named = true;
          report({
            kind: 'CheckpointMismatch',
            streamId: head.streamId,
            revision: head.revision,
            expected: `stream at revision ${head.revision} with hash ${head.hash}`,
            found: 'no such stream',
            message: `${where}: stream ${head.streamId} was removed`,
          });
        } else if (state.revision !== head.revision) {
          named = true;
          report({
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
          report({
            kind: 'CheckpointMismatch',
            streamId: head.streamId,
            revision: head.revision,
            expected: head.hash,
            found: state.hash,
            message: `${where}: ${head.streamId}@${head.revision} was replaced and its hash recomputed`,
          });
        }
      }
      const headsDigest = digestHeads(headsNow());
      if (!named && (checkpoint.logDigest !== logDigest || checkpoint.headsDigest !== headsDigest || checkpoint.streamCount !== streams.size)) {
        report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: `${checkpoint.streamCount} streams, log digest ${checkpoint.logDigest}`,
          found: `${streams.size} streams, log digest ${logDigest}`,
          message: `${where}: an event sealed by an earlier checkpoint was forged, added, removed or moved`,
        });
      }
    }
  };

  settle();

  return {
    /** How many problems were found so far: which event revealed a problem is the one added as it grew. */
    problemCount: (): number => problemCount,

    /** Checks one event, the next in global order; returns the problems it revealed, if any. */
    add(event: RecordedEvent): readonly IntegrityProblem[] {
      revealed = [];
      const at = `${event.streamId}@${event.revision}`;
      const state = streams.get(event.streamId);
      const expectedRevision = state === undefined ? 0 : state.revision + 1;
      const content = computeEventHash(event);
      if (content !== event.metadata.hash) {
        report({
          kind: 'BrokenHash',
          streamId: event.streamId,
          revision: event.revision,
          expected: content,
          found: event.metadata.hash,
          message: `${at} (${event.type}) does not match its hash: its content was changed after it was recorded`,
        });
      }
      if (event.revision === expectedRevision) {
        const expectedPrev = state?.hash ?? GENESIS_HASH;
        if (event.metadata.prevHash !== expectedPrev) {
          report({
            kind: 'BrokenLink',
            streamId: event.streamId,
            revision: event.revision,
            expected: expectedPrev,
            found: event.metadata.prevHash,
            message:
              event.revision === 0
                ? `${at} should start the chain but links to another event`
                : `${at} does not link to ${event.streamId}@${event.revision - 1}: one of the two was replaced`,
          });
        }
        if (state === undefined) streams.set(event.streamId, { revision: event.revision, hash: event.metadata.hash });
        else {
          state.revision = event.revision;
          state.hash = event.metadata.hash;
        }
      } else if (event.revision > expectedRevision) {
        const gapProblem = report({
          kind: 'Gap',
          streamId: event.streamId,
          revision: expectedRevision,
          expected: `revision ${expectedRevision}`,
          found: `revision ${event.revision}`,
          message:
            event.revision === expectedRevision + 1
              ? `${event.streamId}@${expectedRevision} is missing`
              : `${event.streamId} revisions ${expectedRevision}..${event.revision - 1} are missing`,
        });
        const next: StreamState = {
          revision: event.revision,
          hash: event.metadata.hash,
          missingFrom: expectedRevision,
          missingTo: event.revision - 1,
          gapProblem,
        };
        streams.set(event.streamId, next);
      } else if (state !== undefined && state.missingFrom !== undefined && event.revision >= state.missingFrom && event.revision <= state.missingTo!) {
        const problem: IntegrityProblem = {
          kind: 'Reordered',
          streamId: event.streamId,
          revision: event.revision,
          expected: `before ${event.streamId}@${state.revision}`,
          found: `after ${event.streamId}@${state.revision}, at global position ${event.globalPosition}`,
          message: `${at} comes after revision ${state.revision} in the log's order: events were swapped`,
        };
        // The gap reported earlier was this event out of place, not a loss; say so instead.
        if (state.gapProblem !== undefined && state.missingFrom === state.missingTo && state.gapProblem < problems.length) {
          problems[state.gapProblem] = problem;
          revealed.push(problem);
        } else {
          report(problem);
        }
        if (event.revision === state.missingFrom) state.missingFrom += 1;
        else if (event.revision === state.missingTo) state.missingTo! -= 1;
        if (state.missingFrom > state.missingTo!) {
          delete state.missingFrom;
          delete state.missingTo;
          delete state.gapProblem;
        }
      } else {
        report({
          kind: 'Reordered',
          streamId: event.streamId,
          revision: event.revision,
          expected: `revision ${expectedRevision}`,
          found: `revision ${event.revision} again, at global position ${event.globalPosition}`,
          message: `${at} appears twice or out of order`,
        });
      }
      eventCount += 1;
      logDigest = nextLogDigest(logDigest, event);
      settle();
      return revealed;
    },

    finish(): VerificationReport {
      for (const { checkpoint, streamId, revision } of pending) {
        report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: `at least ${checkpoint.eventCount} events`,
          found: `${eventCount} events`,
          message: `checkpoint ${streamId}@${revision} sealed ${checkpoint.eventCount} events but the log has only ${eventCount}: events were removed`,
        });
      }
      for (const anchor of anchors) {
        report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: `at least ${anchor.eventCount} events`,
          found: `${eventCount} events`,
          message: `the anchor at event ${anchor.eventCount} is beyond the end of the log: events were removed`,
        });
      }
      return {
        intact: problemCount === 0,
        eventCount,
        streamCount: streams.size,
        problems,
        problemCount,
        checkpoints: checkpointsChecked,
        checkpointsAuthenticated: options.auditKey !== undefined,
        anchorsChecked,
        anchor: { eventCount, logDigest },
      };
    },

    /** The checkpoint that would seal the log as read so far, with the heads of the streams in `changed`. */
    checkpoint(changed: ReadonlySet<string>, auditKey?: Uint8Array): IntegrityCheckpoint {
      const heads = headsNow();
      const content: IntegrityCheckpoint = {
        eventCount,
        streamCount: heads.size,
        logDigest,
        headsDigest: digestHeads(heads),
        heads: [...changed].sort().flatMap((streamId) => {
          const head = heads.get(streamId);
          return head === undefined ? [] : [{ streamId, revision: head.revision, hash: head.hash }];
        }),
      };
      return auditKey === undefined ? content : { ...content, mac: macOf(auditKey, content) };
    },
  };
};

const readFailure = (thrown: unknown): StoreError =>
  isStoreFailure(thrown) ? thrown.error : storeUnavailable(`reading the log failed: ${thrown instanceof Error ? thrown.message : String(thrown)}`, thrown);

/** Where verification reads from: the raw events in global order, and the integrity checkpoints among them. */
export interface VerificationSource {
  readAll(): AsyncIterable<RecordedEvent>;
  readCheckpoints(): AsyncIterable<RecordedEvent>;
}

export const storeVerificationSource = (store: EventStore): VerificationSource => ({
  readAll: () => store.readAll(),
  readCheckpoints: async function* () {
    try {
      yield* store.readStream(INTEGRITY_STREAM);
    } catch (thrown) {
      if (!(isStoreFailure(thrown) && thrown.error.code === 'StreamNotFound')) throw thrown;
    }
  },
});

/**
 * Verifies every stream of a log: each event's hash against its content, each link to the event
 * before, revisions without gap or reordering, and every integrity checkpoint and anchor. Reads the
 * checkpoints first, then the log once in global order. Always give it the raw store, never a
 * decoding one: the hashes cover the data as stored.
 */
export const verifySource = async (
  source: VerificationSource,
  options: VerifyOptions = {},
): Promise<E.Either<StoreError, VerificationReport>> => {
  try {
    const checkpoints: RecordedEvent[] = [];
    for await (const event of source.readCheckpoints()) checkpoints.push(event);
    const verifier = createLogVerifier(checkpoints, options);
    for await (const event of source.readAll()) verifier.add(event);
    return E.right(verifier.finish());
  } catch (thrown) {
    return E.left(readFailure(thrown));
  }
};

export const verifyLog = (store: EventStore, options: VerifyOptions = {}): Promise<E.Either<StoreError, VerificationReport>> =>
  verifySource(storeVerificationSource(store), options);

export interface SealOptions {
  readonly actor: Actor;
  /** The business time of the seal (an audit's date). */
  readonly at: string;
  /** Makes the checkpoint's MAC; the key stays with the auditor. */
  readonly auditKey?: Uint8Array;
  /** An id for the seal, so that a retried seal stores nothing twice (default: derived from the log's digest). */
  readonly sealId?: string;
}

export interface SealResult {
  readonly sealed: boolean;
  readonly report: VerificationReport;
  readonly checkpoint?: IntegrityCheckpoint;
  /**
   * The anchor to keep outside the log: it covers the checkpoint just appended when nothing else was
   * appended before it, else the events verified. Removing the log's tail, a stream, or swapping
   * events of two streams then no longer matches it, even if the checkpoints go too.
   */
  readonly anchor: LogAnchor;
}

/** The anchor of the verified events followed by the checkpoint, when the checkpoint came right after them. */
const anchorWithCheckpoint = async (store: EventStore, verified: LogAnchor, lastPosition: bigint | undefined, checkpoint: RecordedEvent): Promise<LogAnchor> => {
  let next: RecordedEvent | undefined;
  // The tail after the verified events is the checkpoint and whatever came since: read it to its end,
  // as a read left part way must be cancelled, which not every store's client does cleanly.
  for await (const event of store.readAll(lastPosition === undefined ? {} : { after: lastPosition })) next ??= event;
  return next?.eventId === checkpoint.eventId ? { eventCount: verified.eventCount + 1, logDigest: nextLogDigest(verified.logDigest, next) } : verified;
};

/**
 * Verifies the log and, only when it is intact, appends a checkpoint to `Integrity-checkpoints`
 * naming the head of every stream that changed since the previous checkpoint. A later edit of any
 * sealed event, even one whose hash was recomputed, then no longer matches the checkpoint; with an
 * audit key, forging the checkpoint too needs the key.
 */
export const sealLog = async (store: EventStore, options: SealOptions): Promise<E.Either<StoreError, SealResult>> => {
  try {
    const checkpointEvents: RecordedEvent[] = [];
    for await (const event of storeVerificationSource(store).readCheckpoints()) checkpointEvents.push(event);
    const verifyOptions: VerifyOptions = options.auditKey === undefined ? {} : { auditKey: options.auditKey };
    const verifier = createLogVerifier(checkpointEvents, verifyOptions);
    const lastSealed = checkpointEvents.reduce((count, event) => {
      const parsed = IntegrityCheckpoint.safeParse(event.data);
      return parsed.success ? Math.max(count, parsed.data.eventCount) : count;
    }, 0);
    const changed = new Set<string>();
    let seen = 0;
    let lastPosition: bigint | undefined;
    for await (const event of store.readAll()) {
      verifier.add(event);
      seen += 1;
      lastPosition = event.globalPosition;
      if (seen > lastSealed) changed.add(event.streamId);
    }
    const checkpoint = verifier.checkpoint(changed, options.auditKey);
    const report = verifier.finish();
    if (!report.intact) return E.right({ sealed: false, report, anchor: report.anchor });
    // Checkpoints appended since the last seal are no news: sealing them alone would never end.
    const news = [...changed].some((streamId) => streamId !== INTEGRITY_STREAM);
    if (!news) return E.right({ sealed: false, report, anchor: report.anchor });
    const lastRevision = checkpointEvents.at(-1)?.revision ?? -1;
    const commandId = options.sealId ?? `seal-${formatAnchor(report.anchor)}`;
    const event: EventToAppend = {
      eventId: deterministicEventId(INTEGRITY_STREAM, commandId, 0),
      type: INTEGRITY_CHECKPOINTED,
      data: checkpoint,
      metadata: {
        commandId,
        correlationId: commandId,
        causationId: commandId,
        actor: options.actor,
        occurredAt: options.at,
        schemaVersion: 1,
      },
    };
    const appended = await store.appendToStream(INTEGRITY_STREAM, [event], {
      expectedRevision: lastRevision < 0 ? 'noStream' : lastRevision,
    });
    if (E.isLeft(appended)) return appended;
    const stored = appended.right.events[0]!;
    return E.right({ sealed: true, report, checkpoint, anchor: await anchorWithCheckpoint(store, report.anchor, lastPosition, stored) });
  } catch (thrown) {
    return E.left(readFailure(thrown));
  }
};

export const describeProblem = (problem: IntegrityProblem): string =>
  `${problem.kind} ${problem.revision < 0 ? problem.streamId : `${problem.streamId}@${problem.revision}`}: ${problem.message} (expected ${problem.expected}, found ${problem.found})`;
