import * as E from 'fp-ts/lib/Either.js';
import { EventStoreDBEventStore } from './event-store.js';

/** A running test server as the conformance suite needs it, in this process or another. */
export interface ServerForConformance {
  readonly connectionString: string;
  close(): Promise<void>;
}

/**
 * A fresh test server per test, and a store on it: the suite reads the whole of `$all`, so nothing
 * is shared. The connection string's scheme chooses the client.
 */
export const storeOverServer = (start: () => Promise<ServerForConformance>) => async () => {
  const server = await start();
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

// Every append is a gRPC round trip or more, so the 10,000-event case needs more than the default
// timeout on a busy two-core machine.
export const CONFORMANCE_OPTIONS = { timeout: 90_000 };
