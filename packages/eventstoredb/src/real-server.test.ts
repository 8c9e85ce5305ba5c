import * as E from 'fp-ts/lib/Either.js';
import { describe, it } from 'vitest';
import { describeEventStoreConformance } from '@aftersales/core/testing';
import { CLIENT_PACKAGES, clientChoiceOf } from './client.js';
import { CONNECTION_STRING_VARIABLE, EventStoreDBEventStore } from './event-store.js';

const connectionString = process.env[CONNECTION_STRING_VARIABLE];

if (connectionString !== undefined && connectionString.trim() !== '') {
  // The suite's stream names are unique, so every test may share the one server; the connection
  // string's scheme chooses the client (`esdb://` 6.x, `kurrentdb://` 1.x).
  describeEventStoreConformance(
    `EventStoreDBEventStore on a real server through ${CLIENT_PACKAGES[clientChoiceOf(connectionString)]}`,
    async () => {
      const store = EventStoreDBEventStore.fromConnectionString(connectionString);
      if (E.isLeft(store)) throw new Error(store.left.message);
      return { store: store.right, cleanup: () => store.right.close() };
    },
    { timeout: 120_000 },
  );
} else {
  console.info(`Skipping the conformance suite on a real EventStoreDB: ${CONNECTION_STRING_VARIABLE} is not set (see docs/eventstoredb.md).`);
  describe.skip(`EventStoreDBEventStore on a real EventStoreDB (set ${CONNECTION_STRING_VARIABLE} to run)`, () => {
    it('passes the conformance suite', () => undefined);
  });
}
