import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../event-store.js';
import { describeProblem, verifyLog } from '../verification/index.js';

/** What `verifyLog` finds wrong with a store's log, one described problem a line: none for an intact log. */
export const logProblems = async (store: EventStore): Promise<string[]> => {
  const report = await verifyLog(store);
  if (E.isLeft(report)) return [`${report.left.code}: ${report.left.message}`];
  return report.right.problems.map((problem) => describeProblem(problem));
};
