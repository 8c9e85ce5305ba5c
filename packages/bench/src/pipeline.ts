import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, EventToAppend, RecordedEvent } from '@aftersales/core';
import { openDepartment } from './department.js';
import type { Timing } from './stopwatch.js';
import { Stopwatch } from './stopwatch.js';
import { commandChunks } from './workload.js';

export interface CommandRun {
  readonly commands: number;
  readonly refused: number;
  readonly events: number;
  readonly seconds: Timing;
}

/** Sends the simulated year through the department's command router; only `handle` is timed. */
export const runCommands = async (store: EventStore, orders: number, options: { readonly telemetry?: boolean } = {}): Promise<CommandRun> => {
  const department = openDepartment(store, options);
  let commands = 0;
  let refused = 0;
  let events = 0;
  const stopwatch = new Stopwatch();
  for (const chunk of commandChunks(orders)) {
    await stopwatch.timeAsync(async () => {
      for (const command of chunk) {
        const result = await department.handleUntrusted(command);
        if (E.isRight(result)) events += result.right.events.length;
        else refused += 1;
      }
    });
    commands += chunk.length;
  }
  return { commands, refused, events, seconds: stopwatch.seconds };
};

export interface AppendRun {
  readonly events: number;
  readonly appends: number;
  readonly seconds: Timing;
}

interface Batch {
  readonly streamId: string;
  readonly expectedRevision: number | 'noStream';
  readonly events: EventToAppend[];
}

const toAppend = (event: RecordedEvent): EventToAppend => {
  const { recordedAt: _recordedAt, prevHash: _prevHash, hash: _hash, ...metadata } = event.metadata;
  return { eventId: event.eventId, type: event.type, data: event.data, metadata };
};

/** Groups a log back into the appends that made it: consecutive events of one stream and one command. */
function* appendBatches(events: readonly RecordedEvent[]): Generator<Batch> {
  let batch: Batch | undefined;
  let commandId: string | undefined;
  for (const event of events) {
    if (batch !== undefined && batch.streamId === event.streamId && commandId === event.metadata.commandId) {
      batch.events.push(toAppend(event));
      continue;
    }
    if (batch !== undefined) yield batch;
    batch = { streamId: event.streamId, expectedRevision: event.revision === 0 ? 'noStream' : event.revision - 1, events: [toAppend(event)] };
    commandId = event.metadata.commandId;
  }
  if (batch !== undefined) yield batch;
}

/**
 * Appends a recorded log again, append by append, to an empty store: hashing, the expected-revision
 * check and storage, without deciding. The log is read in pages; only the appends are timed.
 */
export const appendLog = async (source: EventStore, target: EventStore, pageSize = 10_000): Promise<AppendRun> => {
  let page: RecordedEvent[] = [];
  let events = 0;
  let appends = 0;
  const stopwatch = new Stopwatch();
  const flush = async () => {
    const batches = [...appendBatches(page)];
    await stopwatch.timeAsync(async () => {
      for (const batch of batches) {
        const appended = await target.appendToStream(batch.streamId, batch.events, { expectedRevision: batch.expectedRevision });
        if (E.isLeft(appended)) throw new Error(`append failed: ${appended.left.message}`);
      }
    });
    appends += batches.length;
    events += page.length;
    page = [];
  };
  // A page ends between two commands' events, so no append is split across pages.
  for await (const event of source.readAll()) {
    const last = page.at(-1);
    if (page.length >= pageSize && (last?.streamId !== event.streamId || last.metadata.commandId !== event.metadata.commandId)) await flush();
    page.push(event);
  }
  await flush();
  return { events, appends, seconds: stopwatch.seconds };
};
