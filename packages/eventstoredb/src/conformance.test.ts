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

describeEventStoreConformance('EventStoreDBEventStore over the wire-level test server', overTestServer('perEvent'));
describeEventStoreConformance('EventStoreDBEventStore over the test server with commit records', overTestServer('commitRecord'));
