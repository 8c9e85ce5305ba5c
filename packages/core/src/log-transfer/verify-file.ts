import type { IntegrityProblem, VerificationReport, VerifyOptions } from '../verification/index.js';
import { createLogVerifier, describeProblem } from '../verification/index.js';
import { checkExportedLines, exportedCheckpoints } from './read-exported.js';

export interface FileVerification {
  /** Every problem, each with the line of the event that revealed it: none for an intact log. */
  readonly problems: readonly string[];
  readonly report: VerificationReport;
}

/**
 * Verifies an exported log (JSON Lines, one exported event a line) as `verifyLog` verifies a store:
 * first its integrity checkpoints, then every event in file order. Two reads of the file, and memory
 * for one head per stream. Rejects only when the file cannot be read.
 */
export const verifyExportedFile = async (file: string, options: VerifyOptions = {}): Promise<FileVerification> => {
  const verifier = createLogVerifier(await exportedCheckpoints(file), options);
  const problems: string[] = [];
  const lineOf = new Map<IntegrityProblem, number>();
  for await (const { line, problem, revealed } of checkExportedLines(file, verifier)) {
    if (problem !== undefined) problems.push(`line ${line}: ${problem}`);
    for (const found of revealed) lineOf.set(found, line);
  }
  const report = verifier.finish();
  for (const found of report.problems) {
    const line = lineOf.get(found);
    problems.push(describeProblem(found, line === undefined ? 'end of file' : `line ${line}`));
  }
  return { problems, report };
};
