import { collect } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_USERS, appendOneAndReadAll, closedAfterEachTest } from './production.fixture.js';
import type { HostedServerOptions } from './test-server/remote.js';
import { startTestServerHost } from './test-server/remote.js';
import { EventStoreDBEventStore } from './event-store.js';

// The findings that need no look inside the server, through @kurrent/kurrentdb-client; its test
// servers run in another process (see conformance.kurrent.test.ts).
const host = startTestServerHost();
afterAll(() => host.close());

describe('EventStoreDBEventStore through @kurrent/kurrentdb-client as servers run in production', () => {
  const { closeLater, openStore } = closedAfterEachTest();
  const startServer = async (options: HostedServerOptions = {}) => {
    const server = await host.start(options);
    closeLater(() => server.close());
    return server;
  };

  it('2. refuses throwOnAppendFailure=false', async () => {
    const server = await startServer();
    expect(EventStoreDBEventStore.fromConnectionString(`${server.connectionString}&throwOnAppendFailure=false`)).toEqual(
      E.left(expect.objectContaining({ code: 'InvalidConfiguration' })),
    );
  });

  it('3. reports access denied as AccessDenied naming the stream', async () => {
    const server = await startServer({ users: TEST_USERS });
    const admin = KurrentDBClient.connectionString(await server.connectionStringFor('admin'));
    closeLater(() => admin.dispose());
    await admin.setStreamMetadata('Payroll-1', { acl: { readRoles: ['$admins'], writeRoles: ['$admins'] } });
    const store = openStore(await server.connectionStringFor('projector'));
    expect(await store.appendToStream('Payroll-1', [testEvent()], { expectedRevision: 'noStream' })).toEqual(
      E.left(expect.objectContaining({ code: 'AccessDenied', streamId: 'Payroll-1' })),
    );
    expect(await collect(store.readAll())).toEqual(E.left(expect.objectContaining({ code: 'AccessDenied', streamId: '$all' })));
  });

  it.each([['22.10.1'], [null]])('4. refuses a server of version %s', async (serverVersion) => {
    const server = await startServer({ serverVersion });
    const store = openStore(server.connectionString);
    expect(await store.appendToStream('Order-4', [testEvent()], { expectedRevision: 'noStream' })).toEqual(
      E.left(expect.objectContaining({ code: 'StoreRejected', message: expect.stringContaining('23.10') })),
    );
  });

  it("6. appends when the server's clock runs ahead", async () => {
    const server = await startServer({ clockOffsetMs: 30_000 });
    const event = testEvent();
    const appended = await openStore(server.connectionString).appendToStream('Order-7', [event], { expectedRevision: 'noStream' });
    expect(E.isRight(appended) && appended.right.events.map((stored) => stored.eventId)).toEqual([event.eventId]);
  });

  it('7. reports an event over the per-event limit as InvalidAppend', async () => {
    const server = await startServer({ maxAppendEventSize: 4_000 });
    const big = { ...testEvent(), data: { blob: 'x'.repeat(8_000) } };
    expect(await openStore(server.connectionString).appendToStream('Order-8', [big], { expectedRevision: 'noStream' })).toEqual(
      E.left(expect.objectContaining({ code: 'InvalidAppend' })),
    );
  });

  it("8. reads $all past another application's events", async () => {
    const server = await startServer({ seed: { foreignEvent: true } });
    const { appended, read } = await appendOneAndReadAll(openStore(server.connectionString), 'Order-9');
    expect(read).toEqual([appended]);
  });

  it('9. appends one event to a loaded stream in one round trip', async () => {
    const server = await startServer();
    const store = openStore(server.connectionString);
    await store.appendToStream('Order-11', [testEvent()], { expectedRevision: 'noStream' });
    await collect(store.readStream('Order-11'));
    const before = await server.roundTrips();
    await store.appendToStream('Order-11', [testEvent()], { expectedRevision: 0 });
    expect((await server.roundTrips()) - before).toBe(1);
  });
});
