import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../event-store.js';
import type { StoreError } from '../errors.js';
import { deterministicEventId } from '../event-ids.js';
import type { Actor, EventToAppend, RecordedEvent } from '../messages.js';
import type { LogAnchor } from './anchors.js';
import { formatAnchor, nextLogDigest } from './anchors.js';
import type { IntegrityCheckpoint } from './checkpoint.js';
import { INTEGRITY_CHECKPOINTED, INTEGRITY_STREAM, eventsSealed } from './checkpoint.js';
import type { VerificationReport, VerifyOptions } from './verifier.js';
import { createLogVerifier, readFailure, storeVerificationSource } from './verifier.js';

export interface SealOptions {
  readonly actor: Actor;
  /** The business time of the seal (an audit's date). */
  readonly at: string;
  /** Makes the checkpoint's MAC; the key stays with the auditor. */
  readonly auditKey?: Uint8Array;
  /** An id for the seal, so that a retried seal stores nothing twice (default: derived from the log's digest). */
  readonly sealId?: string;
  /** How often to try, when another writer appends a checkpoint at the same moment (default 1): each try seals the log as it then is. */
  readonly attempts?: number;
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

const checkpointEvent = (checkpoint: IntegrityCheckpoint, options: SealOptions, commandId: string): EventToAppend => ({
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
});

/**
 * Verifies the log and, only when it is intact, appends a checkpoint to `Integrity-checkpoints`
 * naming the head of every stream that changed since the previous checkpoint. A later edit of any
 * sealed event, even one whose hash was recomputed, then no longer matches the checkpoint; with an
 * audit key, forging the checkpoint too needs the key.
 */
export const sealLog = async (store: EventStore, options: SealOptions): Promise<E.Either<StoreError, SealResult>> => {
  for (let attempt = 1; ; attempt += 1) {
    const sealed = await sealOnce(store, options);
    if (E.isRight(sealed) || sealed.left.code !== 'ConcurrencyConflict' || attempt >= (options.attempts ?? 1)) return sealed;
  }
};

const sealOnce = async (store: EventStore, options: SealOptions): Promise<E.Either<StoreError, SealResult>> => {
  try {
    const checkpointEvents: RecordedEvent[] = [];
    for await (const event of storeVerificationSource(store).readCheckpoints()) checkpointEvents.push(event);
    const verifyOptions: VerifyOptions = options.auditKey === undefined ? {} : { auditKey: options.auditKey };
    const verifier = createLogVerifier(checkpointEvents, verifyOptions, true);
    const lastSealed = eventsSealed(checkpointEvents);
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
    // Checkpoints appended since the last seal are no news: sealing them alone would never end. A seal
    // with the audit key is news while the key does not vouch for everything the last seal covered.
    const news = [...changed].some((streamId) => streamId !== INTEGRITY_STREAM);
    const keyBehind = options.auditKey !== undefined && report.vouchedEventCount < lastSealed;
    if (!news && !keyBehind) return E.right({ sealed: false, report, anchor: report.anchor });
    const lastRevision = checkpointEvents.at(-1)?.revision ?? -1;
    const commandId = options.sealId ?? `seal-${formatAnchor(report.anchor)}`;
    const appended = await store.appendToStream(INTEGRITY_STREAM, [checkpointEvent(checkpoint, options, commandId)], {
      expectedRevision: lastRevision < 0 ? 'noStream' : lastRevision,
    });
    if (E.isLeft(appended)) return appended;
    const stored = appended.right.events[0]!;
    return E.right({ sealed: true, report, checkpoint, anchor: await anchorWithCheckpoint(store, report.anchor, lastPosition, stored) });
  } catch (thrown) {
    return E.left(readFailure(thrown));
  }
};
