import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../event-store.js';
import type { StoreError } from '../errors.js';
import { isStoreFailure, storeUnavailable } from '../errors.js';
import { GENESIS_HASH } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import type { LogAnchor } from './anchors.js';
import { createAnchorCheck, nextLogDigest } from './anchors.js';
import { createChainRules } from './chain-rules.js';
import type { IntegrityCheckpoint } from './checkpoint.js';
import { INTEGRITY_STREAM, checkpointOf, createCheckpointCheck } from './checkpoint.js';
import type { IntegrityProblem } from './problems.js';
import { createProblemLog } from './problems.js';

export interface VerifyOptions {
  /**
   * The auditor's key: every MAC a checkpoint carries must then be its own, and at least one
   * checkpoint must carry one (else the key vouches for none of the log). Checkpoints without a MAC,
   * such as the seals made between two audits, are checked like any other.
   */
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
  /**
   * With an audit key: how many of the log's first events the furthest checkpoint bearing the key's
   * MAC covers. The events after them rest on the hash chain and on checkpoints without a MAC. 0
   * without an audit key.
   */
  readonly vouchedEventCount: number;
  readonly anchorsChecked: number;
  /** The anchor of the whole log as read: record it to prove later that nothing before it changed. */
  readonly anchor: LogAnchor;
}

/** A verification under way: fed the log one event at a time, in global order. */
export interface LogVerifier {
  /** How many problems were found so far: which event revealed a problem is the one added as it grew. */
  problemCount(): number;
  /** Checks one event, the next in global order; returns the problems it revealed, if any. */
  add(event: RecordedEvent): readonly IntegrityProblem[];
  /** Ends the log: checkpoints and anchors it did not reach are problems too. */
  finish(): VerificationReport;
  /** The checkpoint that would seal the log as read so far, with the heads of the streams in `changed`. */
  checkpoint(changed: ReadonlySet<string>, auditKey?: Uint8Array): IntegrityCheckpoint;
}

/**
 * Verifies a log read in global order, one event at a time, holding only each stream's last revision
 * and hash (plus the checkpoints and anchors to check). Problems are located by stream and revision.
 * `sealing` is for a seal with the audit key, which may find no checkpoint of the key yet: it is
 * about to append the first.
 */
export const createLogVerifier = (checkpointEvents: readonly RecordedEvent[], options: VerifyOptions = {}, sealing = false): LogVerifier => {
  const problems = createProblemLog(options.maxProblems ?? 1000);
  const checkpoints = createCheckpointCheck(checkpointEvents, options.auditKey, problems);
  const anchors = createAnchorCheck(options.anchors ?? [], problems);
  const chain = createChainRules(problems);
  let eventCount = 0;
  let logDigest = GENESIS_HASH;

  const settle = () => {
    anchors.settle(eventCount, logDigest);
    checkpoints.settle(eventCount, logDigest, chain.heads);
  };
  settle();

  return {
    problemCount: () => problems.count(),
    add(event) {
      problems.nextEvent();
      chain.check(event);
      eventCount += 1;
      logDigest = nextLogDigest(logDigest, event);
      settle();
      return problems.revealed();
    },
    finish() {
      checkpoints.finish(eventCount);
      anchors.finish(eventCount);
      if (options.auditKey !== undefined && !sealing && checkpoints.vouched() === 0) problems.report(unvouched(checkpointEvents.at(-1)));
      return {
        intact: problems.count() === 0,
        eventCount,
        streamCount: chain.streamCount(),
        problems: problems.kept(),
        problemCount: problems.count(),
        checkpoints: checkpoints.checked(),
        checkpointsAuthenticated: options.auditKey !== undefined,
        vouchedEventCount: checkpoints.vouched(),
        anchorsChecked: anchors.checked(),
        anchor: { eventCount, logDigest },
      };
    },
    checkpoint: (changed, auditKey) => checkpointOf({ eventCount, logDigest, heads: chain.heads() }, changed, auditKey),
  };
};

/**
 * The audit key vouches for nothing: no checkpoint carries its MAC. Either the log was never sealed
 * with the key, or the checkpoints that were have been removed or rebuilt without it. Located at the
 * last checkpoint, if there is one.
 */
const unvouched = (last: RecordedEvent | undefined): IntegrityProblem => ({
  kind: 'BadCheckpoint',
  streamId: last?.streamId ?? '$all',
  revision: last?.revision ?? -1,
  expected: 'a checkpoint with a MAC made with the audit key',
  found: last === undefined ? 'no checkpoint' : 'no checkpoint with such a MAC',
  message:
    'no checkpoint carries a MAC made with the audit key, so the key vouches for none of the log: it was never sealed with this key, or its keyed checkpoints were removed or rebuilt without it',
});

export const readFailure = (thrown: unknown): StoreError =>
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
export const verifySource = async (source: VerificationSource, options: VerifyOptions = {}): Promise<E.Either<StoreError, VerificationReport>> => {
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
