import { collect } from '@aftersales/core';
import type { RecordedEvent } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { EventStoreDBClient } from '@eventstore/db-client';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';

const ids = (events: readonly RecordedEvent[]) => events.map((event) => event.eventId);

const subscribeUntilCaughtUp = async (store: EventStoreDBEventStore, after: bigint | undefined, prefix: string) => {
  const subscription = store.subscribeToAll({ ...(after === undefined ? {} : { after }), filter: { streamPrefixes: [prefix] } });
  const received: RecordedEvent[] = [];
  const consuming = (async () => {
    for await (const event of subscription) received.push(event);
  })();
  await subscription.caughtUp;
  await subscription.close();
  await consuming;
  return received;
};

describe.each(['perEvent', 'commitRecord'] as const)('resuming $all after any global position (%s commits)', (commitMode) => {
  let server: EventStoreDBTestServer;
  let store: EventStoreDBEventStore;
  beforeAll(async () => {
    server = await EventStoreDBTestServer.start({ commitMode });
    // A tiny page makes the unfiltered reads cross page boundaries, where a position is read twice.
    store = new EventStoreDBEventStore(EventStoreDBClient.connectionString(server.connectionString), { pageSize: 3 });
  });
  afterAll(async () => {
    await store.close();
    await server.close();
  });

  it('reads and subscribes to exactly the events after it, whatever the batches and their interleaving', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ stream: fc.integer({ min: 0, max: 2 }), size: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        async (batches, pick) => {
          run += 1;
          const prefix = `Resume${run}x`;
          for (const batch of batches) {
            const appended = await store.appendToStream(`${prefix}-${batch.stream}`, Array.from({ length: batch.size }, () => testEvent()), {
              expectedRevision: 'any',
            });
            expect(E.isRight(appended)).toBe(true);
          }
          const everything = await collect(store.readAll({ filter: { streamPrefixes: [prefix] } }));
          if (E.isLeft(everything)) throw new Error(everything.left.message);
          const all = everything.right;
          const index = pick % all.length;
          const after = all[index]!.globalPosition;
          const expected = ids(all.slice(index + 1));

          const unfiltered = await collect(store.readAll({ after }));
          expect(E.isRight(unfiltered) && ids(unfiltered.right.filter((event) => event.streamId.startsWith(prefix)))).toEqual(expected);
          const filtered = await collect(store.readAll({ after, filter: { streamPrefixes: [prefix] } }));
          expect(E.isRight(filtered) && ids(filtered.right)).toEqual(expected);
          expect(ids(await subscribeUntilCaughtUp(store, after, prefix))).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
