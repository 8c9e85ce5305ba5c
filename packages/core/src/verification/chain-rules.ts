import { GENESIS_HASH, computeEventHash } from '../hash-chain.js';
import type { RecordedEvent } from '../messages.js';
import type { Heads } from './checkpoint.js';
import type { IntegrityProblem, ProblemLog } from './problems.js';

interface StreamState {
  revision: number;
  hash: string;
  /** Revisions skipped by a gap, not seen yet: if one turns up later it was reordered, not lost. */
  missing?: Missing;
}

interface Missing {
  from: number;
  to: number;
  /** Where the gap's problem is kept. */
  readonly gapProblem: number;
}

/**
 * The rules each event of the log must keep with the events of its stream before it: its hash matches
 * its content, it links to the previous event, and its revision follows without gap or reordering.
 * Holds only each stream's last revision and hash (and the revisions a gap skipped).
 */
export const createChainRules = (problems: ProblemLog) => {
  const streams = new Map<string, StreamState>();

  const checkHash = (event: RecordedEvent) => {
    const content = computeEventHash(event);
    if (content === event.metadata.hash) return;
    problems.report({
      kind: 'BrokenHash',
      streamId: event.streamId,
      revision: event.revision,
      expected: content,
      found: event.metadata.hash,
      message: `${event.streamId}@${event.revision} (${event.type}) does not match its hash: its content was changed after it was recorded`,
    });
  };

  const follow = (event: RecordedEvent, state: StreamState | undefined) => {
    const expectedPrev = state?.hash ?? GENESIS_HASH;
    if (event.metadata.prevHash !== expectedPrev) {
      problems.report({
        kind: 'BrokenLink',
        streamId: event.streamId,
        revision: event.revision,
        expected: expectedPrev,
        found: event.metadata.prevHash,
        message:
          event.revision === 0
            ? `${event.streamId}@${event.revision} should start the chain but links to another event`
            : `${event.streamId}@${event.revision} does not link to ${event.streamId}@${event.revision - 1}: one of the two was replaced`,
      });
    }
    if (state === undefined) streams.set(event.streamId, { revision: event.revision, hash: event.metadata.hash });
    else {
      state.revision = event.revision;
      state.hash = event.metadata.hash;
    }
  };

  const skip = (event: RecordedEvent, expectedRevision: number) => {
    const gapProblem = problems.report({
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
    streams.set(event.streamId, { revision: event.revision, hash: event.metadata.hash, missing: { from: expectedRevision, to: event.revision - 1, gapProblem } });
  };

  /** A revision a gap skipped turns up late: it was out of place, not lost. */
  const turnUpLate = (event: RecordedEvent, state: StreamState, missing: Missing) => {
    const problem: IntegrityProblem = {
      kind: 'Reordered',
      streamId: event.streamId,
      revision: event.revision,
      expected: `before ${event.streamId}@${state.revision}`,
      found: `after ${event.streamId}@${state.revision}, at global position ${event.globalPosition}`,
      message: `${event.streamId}@${event.revision} comes after revision ${state.revision} in the log's order: events were swapped`,
    };
    // A gap of this one revision was this event out of place: the gap is explained anew, not added to.
    if (missing.from === missing.to) problems.reexplain(missing.gapProblem, problem);
    else problems.report(problem);
    if (event.revision === missing.from) missing.from += 1;
    else if (event.revision === missing.to) missing.to -= 1;
    if (missing.from > missing.to) delete state.missing;
  };

  return {
    streamCount: (): number => streams.size,
    heads: (): Heads => {
      const heads = new Map<string, { revision: number; hash: string }>();
      for (const [streamId, state] of streams) heads.set(streamId, { revision: state.revision, hash: state.hash });
      return heads;
    },
    /** Checks the next event of the log in global order against the events of its stream before it. */
    check(event: RecordedEvent): void {
      const state = streams.get(event.streamId);
      const expectedRevision = state === undefined ? 0 : state.revision + 1;
      checkHash(event);
      if (event.revision === expectedRevision) follow(event, state);
      else if (event.revision > expectedRevision) skip(event, expectedRevision);
      else if (state?.missing !== undefined && event.revision >= state.missing.from && event.revision <= state.missing.to) turnUpLate(event, state, state.missing);
      else {
        problems.report({
          kind: 'Reordered',
          streamId: event.streamId,
          revision: event.revision,
          expected: `revision ${expectedRevision}`,
          found: `revision ${event.revision} again, at global position ${event.globalPosition}`,
          message: `${event.streamId}@${event.revision} appears twice or out of order`,
        });
      }
    },
  };
};
