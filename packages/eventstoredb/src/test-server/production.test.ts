import { randomUUID } from 'node:crypto';
import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import {
  AccessDeniedError,
  DeadlineExceededError,
  EventStoreDBClient,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamNotFoundError,
  UnknownError,
  WrongExpectedVersionError,
  jsonEvent,
  streamNameFilter,
} from '@eventstore/db-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer, FOREIGN_STREAM } from './server.js';

const event = (data: unknown = { id: randomUUID() }) => jsonEvent({ type: 'Happened', data: data as Record<string, unknown> });

const drain = async <A>(readable: AsyncIterable<A>): Promise<A[]> => {
  const items: A[] = [];
  for await (const item of readable) items.push(item);
  return items;
};

const revisions = async (client: EventStoreDBClient, stream: string) =>
  (await drain<ResolvedEvent>(client.readStream(stream))).map((resolved) => resolved.event?.revision);

describe('the test server as a production node shows itself to the client', () => {
  const opened: Array<{ close(): Promise<void> } | { dispose(): Promise<void> }> = [];
  const start = async (options: Parameters<typeof EventStoreDBTestServer.start>[0] = {}) => {
    const server = await EventStoreDBTestServer.start(options);
    opened.push(server);
    return server;
  };
  const connect = (connectionString: string) => {
    const client = EventStoreDBClient.connectionString(connectionString);
    opened.push(client);
    return client;
  };
  afterEach(async () => {
    for (const item of opened.reverse()) await ('dispose' in item ? item.dispose() : item.close());
    opened.length = 0;
  });

  it('advertises BatchAppend through ServerFeatures, so the client appends through it', async () => {
    const server = await start();
    const client = connect(server.connectionString);
    await client.appendToStream('Order-1', [event(), event()]);
    await client.appendToStream('Order-1', event(), { expectedRevision: 1n });
    expect(server.calls.get('batchAppend')).toBe(2);
    expect(server.calls.get('append')).toBeUndefined();
  });

  it('answers BatchAppend failures as google.rpc.Status, which the client turns into its typed errors', async () => {
    const server = await start();
    const client = connect(server.connectionString);
    await client.appendToStream('Order-2', event());
    await expect(client.appendToStream('Order-2', event(), { expectedRevision: 5n })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    await expect(client.appendToStream('Order-2', event({ blob: 'x'.repeat(1_100_000) }))).rejects.toBeInstanceOf(MaxAppendSizeExceededError);
  });

  it('refuses an append whose deadline has passed on its own clock, as when the client clock lags', async () => {
    const server = await start({ clock: () => new Date(Date.now() + 10_000) });
    const client = connect(server.connectionString);
    await expect(client.appendToStream('Order-3', event(), { deadline: 5_000 })).rejects.toBeInstanceOf(DeadlineExceededError);
  });

  it("reports KurrentDB 25.1's per-event size limit in a shape the 6.x client does not know", async () => {
    const server = await start({ maxAppendEventSize: 1_000 });
    const client = connect(server.connectionString);
    await expect(client.appendToStream('Order-4', event({ blob: 'x'.repeat(2_000) }))).rejects.toBeInstanceOf(UnknownError);
  });

  it('as a follower, answers requires-leader calls with NotLeader and serves stale reads otherwise', async () => {
    const leader = await start();
    const follower = await start({ followerOf: leader });
    const client = connect(follower.connectionString);
    await client.appendToStream('Order-5', event());
    expect(leader.log.currentRevision('Order-5')).toBe(0n);
    await expect(drain(client.readStream('Order-5'))).rejects.toBeInstanceOf(StreamNotFoundError);
    const onFollower = connect(follower.connectionString);
    await expect(drain(onFollower.readStream('Order-5', { requiresLeader: true }))).rejects.toBeInstanceOf(NotLeaderError);
    // The client goes to the leader the error named.
    expect(await revisions(onFollower, 'Order-5')).toEqual([0n]);
    follower.replicate();
    expect(await revisions(client, 'Order-5')).toEqual([0n]);
  });

  it('on a secure node, keeps $-streams and $all to $admins unless an $acl grants them', async () => {
    const server = await start({ users: { admin: { password: 'changeit', groups: ['$admins'] }, projector: { password: 'secret', groups: [] } } });
    const admin = connect(server.connectionStringFor('admin'));
    const projector = connect(server.connectionStringFor('projector'));
    await projector.appendToStream('Order-6', event());
    await expect(projector.appendToStream('$checkpoint-1', event())).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(drain(projector.readAll())).rejects.toBeInstanceOf(AccessDeniedError);
    await admin.setStreamMetadata('$checkpoint-1', { acl: { readRoles: ['projector'], writeRoles: ['projector'] } });
    await admin.setStreamMetadata('$all', { acl: { readRoles: ['projector'] } });
    await projector.appendToStream('$checkpoint-1', event());
    expect((await drain(projector.readAll())).length).toBeGreaterThan(0);
    const anonymous = connect(server.connectionStringFor('nobody'));
    await expect(drain(anonymous.readStream('Order-6'))).rejects.toBeInstanceOf(AccessDeniedError);
  });

  it('hides events before $tb, beyond $maxCount and older than $maxAge from stream reads, and continues the numbering', async () => {
    // The events are written two minutes ago by the server's clock (a clock ahead would time appends out).
    let now = Date.now() - 120_000;
    const server = await start({ clock: () => new Date(now) });
    const client = connect(server.connectionString);
    await client.appendToStream('Order-7', [event(), event(), event()]);
    await client.setStreamMetadata('Order-7', { truncateBefore: 1 });
    expect(await revisions(client, 'Order-7')).toEqual([1n, 2n]);
    await client.setStreamMetadata('Order-7', { maxCount: 1 });
    expect(await revisions(client, 'Order-7')).toEqual([2n]);
    await client.setStreamMetadata('Order-7', { maxAge: 60 });
    now = Date.now();
    expect(await revisions(client, 'Order-7')).toEqual([]);
    await expect(client.appendToStream('Order-7', event(), { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(WrongExpectedVersionError);
    expect((await client.appendToStream('Order-7', event(), { expectedRevision: 2n })).nextExpectedRevision).toBe(3n);
  });

  it('sends a checkpoint before caught-up on a filtered subscription', async () => {
    const server = await start();
    const client = connect(server.connectionString);
    await client.appendToStream('Order-8', event());
    const subscription = client.subscribeToAll({ filter: streamNameFilter({ prefixes: ['Order-'], checkpointReached: () => void seen.push('checkpoint') }) });
    const seen: string[] = [];
    subscription.on('caughtUp', () => seen.push('caughtUp'));
    await new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
    await subscription.unsubscribe();
    expect(seen).toEqual(['checkpoint', 'caughtUp']);
  });

  it('starts $all with its own system records, and with one event of another application when asked', async () => {
    const server = await start({ seed: { foreignEvent: true } });
    const client = connect(server.connectionString);
    const all = await drain<AllStreamResolvedEvent>(client.readAll());
    expect(all.filter((resolved) => resolved.event?.streamId.startsWith('$')).length).toBeGreaterThan(0);
    expect(all.filter((resolved) => !resolved.event?.streamId.startsWith('$')).map((resolved) => resolved.event?.streamId)).toEqual([FOREIGN_STREAM]);
  });
});
