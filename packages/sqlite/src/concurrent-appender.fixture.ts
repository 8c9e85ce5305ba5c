/**
 * A process that appends to shared streams of a store file, each append expecting the revision it
 * just read, and prints what happened as one JSON line. Run by the two-process test.
 */
import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { isStoreFailure } from '@aftersales/core';
import type { EventToAppend } from '@aftersales/core';
import { SqliteEventStore } from './event-store.js';

const [path, worker, streamCount, attemptCount, startAt] = process.argv.slice(2);
if (path === undefined || worker === undefined) throw new Error('usage: concurrent-appender <path> <worker> <streams> <attempts> <startAt>');

const event = (attempt: number): EventToAppend => ({
  eventId: randomUUID(),
  type: 'Appended',
  data: { worker, attempt },
  metadata: {
    commandId: `${worker}-${attempt}`,
    correlationId: worker,
    causationId: worker,
    actor: { id: worker, role: 'Tester' },
    occurredAt: '2026-03-02T09:00:00+08:00',
    schemaVersion: 1,
  },
});

const lastRevision = async (store: SqliteEventStore, streamId: string): Promise<number> => {
  try {
    for await (const last of store.readStream(streamId, { direction: 'backwards', maxCount: 1 })) return last.revision;
    return -1;
  } catch (thrown) {
    if (isStoreFailure(thrown) && thrown.error.code === 'StreamNotFound') return -1;
    throw thrown;
  }
};

// Start together with the other workers, so that they create the file and append at the same time.
while (Date.now() < Number(startAt)) await new Promise((resolve) => setTimeout(resolve, 1));

const opened = SqliteEventStore.open(path, { busyTimeoutMs: 10_000 });
if (E.isLeft(opened)) throw new Error(opened.left.message);
const store = opened.right;
const appended: string[] = [];
const outcomes: Record<string, number> = {};
const unexpected: string[] = [];

for (let attempt = 0; attempt < Number(attemptCount); attempt += 1) {
  const streamId = `RepairOrder-${attempt % Number(streamCount)}`;
  const revision = await lastRevision(store, streamId);
  // A pause between reading and appending, as a command handler deciding would take, widens the race.
  await new Promise((resolve) => setTimeout(resolve, attempt % 3));
  const batch = Array.from({ length: 1 + (attempt % 2) }, () => event(attempt));
  const result = await store.appendToStream(streamId, batch, { expectedRevision: revision < 0 ? 'noStream' : revision });
  const outcome = E.isRight(result) ? 'Appended' : result.left.code;
  outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
  if (E.isRight(result)) appended.push(...result.right.events.map((recorded) => recorded.eventId));
  else if (result.left.code !== 'ConcurrencyConflict' && result.left.code !== 'StoreUnavailable') unexpected.push(result.left.message);
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, appended, outcomes, unexpected })}\n`);
