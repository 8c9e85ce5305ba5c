import { collect } from '@aftersales/core';
import type { EventStore } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { TEST_USERS, appendOneAndReadAll, closedAfterEachTest } from './production.fixture.js';
import type { EventStoreDBTestServerOptions } from './test-server/index.js';
import { EventStoreDBTestServer, FOREIGN_STREAM } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';
import { EventStoreDBProjectionStore, checkpointStreamOf } from './projection-store.js';

/** The ids a fresh subscription delivers up to caught-up. */
const caughtUpEventIds = async (store: EventStore): Promise<string[]> => {
  const subscription = store.subscribeToAll();
  const received: string[] = [];
  const consuming = (async () => {
    for await (const read of subscription) received.push(read.eventId);
  })();
  await subscription.caughtUp;
  await subscription.close();
  await consuming;
  return received;
};

describe('EventStoreDBEventStore as EventStoreDB runs in production', () => {
  const { closeLater, openStore } = closedAfterEachTest();
  const startServer = async (options: EventStoreDBTestServerOptions = {}) => {
    const server = await EventStoreDBTestServer.start(options);
    closeLater(() => server.close());
    return server;
  };
  const openClient = (connectionString: string) => {
    const client = EventStoreDBClient.connectionString(connectionString);
    closeLater(() => client.dispose());
    return client;
  };
  const idsOf = (result: Awaited<ReturnType<EventStore['appendToStream']>>) => (E.isRight(result) ? result.right.events.map((event) => event.eventId) : result.left);

  describe('1. on a cluster node that is not the leader', () => {
    it('sends appends to the leader, and answers them with what the leader stored', async () => {
      const leader = await startServer();
      const follower = await startServer({ followerOf: leader });
      const store = openStore(follower.connectionString);
      const first = testEvent();
      const appended = await store.appendToStream('Order-1', [first], { expectedRevision: 'noStream' });
      expect(idsOf(appended)).toEqual([first.eventId]);
      const second = testEvent();
      expect(idsOf(await store.appendToStream('Order-1', [second], { expectedRevision: 0 }))).toEqual([second.eventId]);
      expect(leader.log.currentRevision('Order-1')).toBe(1n);
    });

    it('keeps projection checkpoints on the leader, so a runner reading from a follower does not see its own save stale', async () => {
      const leader = await startServer();
      const follower = await startServer({ followerOf: leader });
      const client = openClient(follower.connectionString);
      const projections = new EventStoreDBProjectionStore(client);
      expect(E.isRight(await projections.save('Kpis', { state: 1, position: 10n }, undefined))).toBe(true);
      expect(await projections.save('Kpis', { state: 2, position: 20n }, 10n)).toEqual(E.right(undefined));
      expect(await projections.load('Kpis')).toEqual(E.right({ state: 2, position: 20n }));
    });
  });

  describe('2. when the client is told not to throw on a failed append', () => {
    it('refuses the connection string that says so', async () => {
      const server = await startServer();
      expect(EventStoreDBEventStore.fromConnectionString(`${server.connectionString}&throwOnAppendFailure=false`)).toEqual(
        E.left(expect.objectContaining({ code: 'InvalidConfiguration', message: expect.stringContaining('throwOnAppendFailure') })),
      );
    });

    it('checks that an append succeeded rather than reading back another writer’s events as its own', async () => {
      const server = await startServer();
      const store = new EventStoreDBEventStore(openClient(`${server.connectionString}&throwOnAppendFailure=false`), { appendDeadlineMs: 2_000 });
      await store.appendToStream('Order-2', [testEvent()], { expectedRevision: 'noStream' });
      const other = testEvent();
      const mine = testEvent();
      // Another writer of the library gets in between the head read and the append.
      server.beforeNextAppend(() => {
        const head = server.log.visibleRecords('Order-2')![0]!;
        server.log.append('Order-2', { kind: 'any' }, [{ ...head, eventId: other.eventId }]);
      });
      const appended = await store.appendToStream('Order-2', [mine], { expectedRevision: 'any' });
      expect(idsOf(appended)).toEqual([mine.eventId]);
    });
  });

  describe('3. with access control on', () => {
    it('keeps checkpoints where a non-admin projection user may write them, merging the retention into the metadata an admin set', async () => {
      const server = await startServer({ users: TEST_USERS });
      const admin = openClient(server.connectionStringFor('admin'));
      await admin.setStreamMetadata(checkpointStreamOf('Kpis'), { acl: { readRoles: ['projector', '$admins'] }, customKey: 'kept' } as never);
      const projector = openClient(server.connectionStringFor('projector'));
      const projections = new EventStoreDBProjectionStore(projector);
      expect(await projections.save('Kpis', { state: 'saved', position: 5n }, undefined)).toEqual(E.right(undefined));
      expect(await projections.load('Kpis')).toEqual(E.right({ state: 'saved', position: 5n }));
      expect(checkpointStreamOf('Kpis').startsWith('$')).toBe(false);
      expect(server.log.metadataOf(checkpointStreamOf('Kpis'))).toMatchObject({ $maxCount: 10, $acl: { $r: ['projector', '$admins'] }, customKey: 'kept' });
    });

    it('reports a refused retention setting as the first save’s error, and saves nothing', async () => {
      const server = await startServer({ users: TEST_USERS });
      const admin = openClient(server.connectionStringFor('admin'));
      await admin.setStreamMetadata(checkpointStreamOf('Audit'), { acl: { metaWriteRoles: ['$admins'] } });
      const projections = new EventStoreDBProjectionStore(openClient(server.connectionStringFor('projector')));
      expect(await projections.save('Audit', { state: 'saved', position: 5n }, undefined)).toEqual(
        E.left(expect.objectContaining({ code: 'AccessDenied', streamId: `$$${checkpointStreamOf('Audit')}` })),
      );
      expect(server.log.currentRevision(checkpointStreamOf('Audit'))).toBeUndefined();
    });

    it('leaves checkpoint streams out of readAll and subscriptions', async () => {
      const server = await startServer();
      const store = openStore(server.connectionString);
      await new EventStoreDBProjectionStore(openClient(server.connectionString)).save('Kpis', { state: null, position: 1n }, undefined);
      const { appended, read } = await appendOneAndReadAll(store, 'Order-3');
      expect(read).toEqual([appended]);
      expect(await caughtUpEventIds(store)).toEqual([appended]);
    });

    it('reports access denied as AccessDenied naming the stream, without retrying', async () => {
      const server = await startServer({ users: TEST_USERS });
      await openClient(server.connectionStringFor('admin')).setStreamMetadata('Payroll-1', { acl: { readRoles: ['$admins'], writeRoles: ['$admins'] } });
      const store = openStore(server.connectionStringFor('projector'));
      const before = server.roundTrips;
      const appended = await store.appendToStream('Payroll-1', [testEvent()], { expectedRevision: 'noStream' });
      expect(appended).toEqual(E.left(expect.objectContaining({ code: 'AccessDenied', streamId: 'Payroll-1' })));
      // The new stream's metadata read (whether it was soft-deleted), then the refused append, once.
      expect(server.roundTrips - before).toBe(2);
      expect(await collect(store.readAll())).toEqual(E.left(expect.objectContaining({ code: 'AccessDenied', streamId: '$all' })));
    });
  });

  it.each([
    ['22.10.1', '22.10.1'],
    ['a server without ServerFeatures (before 21.10)', undefined],
  ])('4. refuses to work with %s, which is older than 23.10', async (_name, serverVersion) => {
    const server = await startServer({ serverVersion });
    const store = openStore(server.connectionString);
    const appended = await store.appendToStream('Order-4', [testEvent()], { expectedRevision: 'noStream' });
    expect(appended).toEqual(E.left(expect.objectContaining({ code: 'StoreRejected', message: expect.stringContaining('23.10') })));
    expect(server.log.currentRevision('Order-4')).toBeUndefined();
  });

  describe('5. on a stream whose last events the server hides', () => {
    it('refuses to chain onto a soft-deleted stream, whose revisions the server continues', async () => {
      const server = await startServer();
      const store = openStore(server.connectionString);
      await store.appendToStream('Order-5', [testEvent(), testEvent()], { expectedRevision: 'noStream' });
      await openClient(server.connectionString).deleteStream('Order-5');
      const appended = await store.appendToStream('Order-5', [testEvent()], { expectedRevision: 'any' });
      expect(appended).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend', message: expect.stringContaining('deleted') })));
      expect(server.log.currentRevision('Order-5')).toBeUndefined();
    });

    it('reports a stream whose events $maxAge has hidden instead of retrying until unavailable', async () => {
      let now = Date.now() - 3_600_000;
      const server = await startServer({ clock: () => new Date(now) });
      await openStore(server.connectionString).appendToStream('Order-6', [testEvent()], { expectedRevision: 'noStream' });
      await openClient(server.connectionString).setStreamMetadata('Order-6', { maxAge: 60 });
      now = Date.now();
      // A process that did not write the stream itself knows its head only from what the server shows.
      const appended = await openStore(server.connectionString).appendToStream('Order-6', [testEvent()], { expectedRevision: 'any' });
      expect(appended).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend', message: expect.stringContaining('hidden') })));
      expect(server.log.currentRevision('Order-6')).toBe(0n);
    });
  });

  it("6. appends through BatchAppend, also when the server's clock runs ahead of this machine's", async () => {
    const server = await startServer({ clock: () => new Date(Date.now() + 30_000) });
    const store = openStore(server.connectionString);
    const event = testEvent();
    expect(idsOf(await store.appendToStream('Order-7', [event], { expectedRevision: 'noStream' }))).toEqual([event.eventId]);
    expect(server.calls.get('batchAppend')).toBeGreaterThan(0);
  });

  it('7. reports an event over KurrentDB 25.1 per-event limit as InvalidAppend, not as a retryable outage', async () => {
    const server = await startServer({ maxAppendEventSize: 4_000 });
    const store = openStore(server.connectionString);
    const big = { ...testEvent(), data: { blob: 'x'.repeat(8_000) } };
    const appended = await store.appendToStream('Order-8', [big], { expectedRevision: 'noStream' });
    expect(appended).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend' })));
    expect(server.calls.get('batchAppend')).toBe(1);
  });

  it('7. reports an append over the 1 MiB the server takes at once as InvalidAppend, storing nothing and retrying nothing', async () => {
    const server = await startServer();
    const store = openStore(server.connectionString);
    const big = { ...testEvent(), data: { blob: 'x'.repeat(1_100_000) } };
    const appended = await store.appendToStream('Order-15', [big], { expectedRevision: 'noStream' });
    expect(appended).toEqual(E.left(expect.objectContaining({ code: 'InvalidAppend' })));
    expect(server.calls.get('batchAppend')).toBe(1);
    expect(server.log.currentRevision('Order-15')).toBeUndefined();
  });

  describe("8. with another application's events in $all", () => {
    it('reads $all and subscribes past them', async () => {
      const server = await startServer({ seed: { foreignEvent: true } });
      const store = openStore(server.connectionString);
      const { appended, read } = await appendOneAndReadAll(store, 'Order-9');
      expect(read).toEqual([appended]);
      expect(await caughtUpEventIds(store)).toEqual([appended]);
    });

    it('leaves them on the server when told which streams are the application’s', async () => {
      const server = await startServer({ seed: { foreignEvent: true } });
      const client = openClient(server.connectionString);
      await client.appendToStream(`${FOREIGN_STREAM}-2`, jsonEvent({ type: 'InvoiceIssued', data: {} }));
      const { appended, read } = await appendOneAndReadAll(openStore(server.connectionString, { streamPrefixes: ['Order-'] }), 'Order-10');
      expect(read).toEqual([appended]);
    });
  });

  it("8. reports an event in the application's own streams that is not the library's, when told which streams those are", async () => {
    const server = await startServer();
    await openClient(server.connectionString).appendToStream('Order-13', jsonEvent({ type: 'Forged', data: {} }));
    const strict = await collect(openStore(server.connectionString, { streamPrefixes: ['Order-'] }).readAll());
    expect(strict).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'Order-13' })));
    expect(await collect(openStore(server.connectionString).readAll())).toEqual(E.right([]));
  });
});
