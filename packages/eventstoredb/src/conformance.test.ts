import * as E from 'fp-ts/lib/Either.js';
import { describeEventStoreConformance } from '@aftersales/core/testing';
import type { CommitMode } from './test-server/index.js';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';

// A fresh wire-level test server per test: the suite reads the whole of `$all`, so nothing is shared.
// Both ways of giving out commit positions run, so the position mapping meets commit ≠ prepare too.
const overTestServer = (commitMode: CommitMode) => async () => {
  const server = await EventStoreDBTestServer.start({ commitMode });
  const store = EventStoreDBEventStore.fromConnectionString(server.connectionString);
  if (E.isLeft(store)) throw new Error(store.left.message);
  return {
    store: store.right,
    cleanup: async () => {
      await store.right.close();
      await server.close();
    },
  };
};

// Every append is a few gRPC round trips, so the 10,000-event case needs more than the default
// timeout on a busy two-core machine.
const options = { timeout: 90_000 };
describeEventStoreConformance('EventStoreDBEventStore over the wire-level test server', overTestServer('perEvent'), options);
describeEventStoreConformance('EventStoreDBEventStore over the test server with commit records', overTestServer('commitRecord'), options);
