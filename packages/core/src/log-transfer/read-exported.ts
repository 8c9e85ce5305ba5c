import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { jsonProblem } from '../escape.js';
import type { IntegrityProblem, LogVerifier } from '../verification/index.js';
import { INTEGRITY_STREAM } from '../verification/index.js';
import type { RecordedEvent } from '../messages.js';
import { ExportedEvent, recordedEventOf } from './exported-event.js';

/** The events of an exported log, line by line; a line that is not an exported event is a problem, not an end. */
export async function* exportedLines(file: string): AsyncGenerator<{ readonly line: number; readonly event?: ExportedEvent; readonly problem?: string }> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim().length === 0) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (thrown) {
      yield { line, problem: jsonProblem(thrown) };
      continue;
    }
    const parsed = ExportedEvent.safeParse(raw);
    yield parsed.success
      ? { line, event: parsed.data }
      : { line, problem: `not an exported event (${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; ')})` };
  }
}

/** The integrity checkpoints among an exported log's events, read first so that the log can be checked against them. */
export const exportedCheckpoints = async (file: string): Promise<RecordedEvent[]> => {
  const checkpoints: RecordedEvent[] = [];
  for await (const { event } of exportedLines(file)) if (event?.streamId === INTEGRITY_STREAM) checkpoints.push(recordedEventOf(event));
  return checkpoints;
};

export interface CheckedLine {
  readonly line: number;
  /** The event the line holds, when it decodes. */
  readonly event?: ExportedEvent;
  /** What is wrong with the line itself: not JSON, not an exported event, or a global position that does not follow. */
  readonly problem?: string;
  /** What the line's event revealed about the log: its hash, its link, its revision, a checkpoint or an anchor it completes. */
  readonly revealed: readonly IntegrityProblem[];
}

/**
 * Reads an exported log once, checking each line as it goes: it decodes, global positions increase,
 * and `verifier` is given each event in file order. Every line is yielded, intact or not.
 */
export async function* checkExportedLines(file: string, verifier: LogVerifier): AsyncGenerator<CheckedLine> {
  let lastPosition = -1n;
  for await (const { line, event, problem } of exportedLines(file)) {
    if (event === undefined) {
      yield { line, problem: problem ?? 'unreadable', revealed: [] };
      continue;
    }
    const recorded = recordedEventOf(event);
    const position =
      recorded.globalPosition <= lastPosition ? `${recorded.streamId}@${recorded.revision}: global position ${recorded.globalPosition} does not follow ${lastPosition}` : undefined;
    lastPosition = recorded.globalPosition;
    const revealed = verifier.add(recorded);
    yield { line, event, ...(position === undefined ? {} : { problem: position }), revealed };
  }
}
