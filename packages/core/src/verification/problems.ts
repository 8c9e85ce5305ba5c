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
 * A problem as one line: where it is, what is wrong, what was expected and what was found. `where`
 * defaults to the kind and the stream (and revision); a reader of a file names the line instead.
 */
export const describeProblem = (problem: IntegrityProblem, where?: string): string =>
  `${where ?? `${problem.kind} ${problem.revision < 0 ? problem.streamId : `${problem.streamId}@${problem.revision}`}`}: ${problem.message} (expected ${problem.expected}, found ${problem.found})`;

/** The problems a verification found: all counted, the first `maxProblems` kept, those of the last event told apart. */
export interface ProblemLog {
  /** Counts and keeps a problem; returns where it is kept, or -1 when past `maxProblems`. */
  report(problem: IntegrityProblem): number;
  /** What turned up since explains a problem reported earlier anew (a gap that was a reordering): it replaces it, uncounted. */
  reexplain(index: number, problem: IntegrityProblem): void;
  /** Starts a new event: `revealed` lists only what it reveals from now on. */
  nextEvent(): void;
  readonly revealed: () => readonly IntegrityProblem[];
  readonly kept: () => readonly IntegrityProblem[];
  readonly count: () => number;
}

export const createProblemLog = (maxProblems: number): ProblemLog => {
  const kept: IntegrityProblem[] = [];
  let count = 0;
  let revealed: IntegrityProblem[] = [];
  return {
    report(problem) {
      count += 1;
      revealed.push(problem);
      if (kept.length >= maxProblems) return -1;
      kept.push(problem);
      return kept.length - 1;
    },
    reexplain(index, problem) {
      if (index >= 0 && index < kept.length) kept[index] = problem;
      revealed.push(problem);
    },
    nextEvent() {
      revealed = [];
    },
    revealed: () => revealed,
    kept: () => kept,
    count: () => count,
  };
};
