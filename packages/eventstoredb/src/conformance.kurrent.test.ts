import { createRequire } from 'node:module';
import { afterAll, expect, it } from 'vitest';
import { describeEventStoreConformance } from '@aftersales/core/testing';
import type { CommitMode } from './test-server/index.js';
import { startTestServerHost } from './test-server/remote.js';
import { CONFORMANCE_OPTIONS, storeOverServer } from './conformance.fixture.js';

// The 1.x client in this process, the test servers in another (their generated classes clash with
// the client's); a `kurrentdb://` connection string chooses the client.
const require = createRequire(import.meta.url);
const host = startTestServerHost();
afterAll(() => host.close());

const overTestServer = (commitMode: CommitMode) => storeOverServer(() => host.start({ commitMode }));

describeEventStoreConformance('EventStoreDBEventStore through @kurrent/kurrentdb-client over the test server', overTestServer('perEvent'), CONFORMANCE_OPTIONS);
describeEventStoreConformance('EventStoreDBEventStore through @kurrent/kurrentdb-client with commit records', overTestServer('commitRecord'), CONFORMANCE_OPTIONS);

it('goes through @kurrent/kurrentdb-client and nothing of @eventstore/db-client in this process', async () => {
  const { store, cleanup } = await overTestServer('perEvent')();
  try {
    expect(store.client.package).toBe('@kurrent/kurrentdb-client');
    expect(Object.keys(require.cache).some((file) => file.includes('@eventstore/db-client'))).toBe(false);
  } finally {
    await cleanup();
  }
});
