import * as E from 'fp-ts/lib/Either.js';
import { sha256Hex } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import type { ProblemLog } from './problems.js';

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
  const eventCount = Number(match[1]);
  // A count past what a double holds exactly would be read as another count, and checked as that.
  if (!Number.isSafeInteger(eventCount)) return E.left(`anchor ${JSON.stringify(text)} counts more events than any log holds (at most ${Number.MAX_SAFE_INTEGER})`);
  return E.right({ eventCount, logDigest: match[2]! });
};

/**
 * The anchors of a file kept apart from the log: one a line, blank lines and lines starting with #
 * skipped. Refused when a line is no anchor or when there is none.
 */
export const parseAnchorLines = (text: string): E.Either<string, LogAnchor[]> => {
  const lines = text.split('\n').filter((line) => line.trim().length > 0 && !line.trimStart().startsWith('#'));
  if (lines.length === 0) return E.left('it holds no anchor');
  const anchors: LogAnchor[] = [];
  for (const line of lines) {
    const parsed = parseAnchor(line);
    if (E.isLeft(parsed)) return parsed;
    anchors.push(parsed.right);
  }
  return E.right(anchors);
};

/** The digest of the log one event longer: each event's stream, revision and hash chained in global order. */
export const nextLogDigest = (previous: string, event: Pick<RecordedEvent, 'streamId' | 'revision' | 'metadata'>): string =>
  sha256Hex(`${previous}\n${event.streamId}\n${event.revision}\n${event.metadata.hash}`);

/** Checks the anchors given, each when the log read so far reaches its event count. */
export const createAnchorCheck = (given: readonly LogAnchor[], problems: ProblemLog) => {
  const anchors = [...given].sort((a, b) => a.eventCount - b.eventCount);
  let checked = 0;
  return {
    checked: (): number => checked,
    /** Checks every anchor that covers exactly the first `eventCount` events, whose digest is `logDigest`. */
    settle(eventCount: number, logDigest: string): void {
      while (anchors.length > 0 && anchors[0]!.eventCount === eventCount) {
        const anchor = anchors.shift()!;
        checked += 1;
        if (anchor.logDigest !== logDigest) {
          problems.report({
            kind: 'CheckpointMismatch',
            streamId: '$all',
            revision: -1,
            expected: anchor.logDigest,
            found: logDigest,
            message: `the anchor at event ${anchor.eventCount} does not match: an event among the first ${anchor.eventCount} was forged, added, removed or moved`,
          });
        }
      }
    },
    /** At the end of the log: an anchor not reached counts events that are gone. */
    finish(eventCount: number): void {
      for (const anchor of anchors) {
        problems.report({
          kind: 'CheckpointMismatch',
          streamId: '$all',
          revision: -1,
          expected: `at least ${anchor.eventCount} events`,
          found: `${eventCount} events`,
          message: `the anchor at event ${anchor.eventCount} is beyond the end of the log: events were removed`,
        });
      }
    },
  };
};
