import { randomUUID } from 'node:crypto';
import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
} from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './server.js';

const event = (type = 'Happened', id = randomUUID()) => jsonEvent({ id, type, data: { id } });

const drain = async <A>(readable: AsyncIterable<A>): Promise<A[]> => {
  const items: A[] = [];
  for await (const item of readable) items.push(item);
  return items;
};

describe('the wire-level test server, as the official client sees it', () => {
  let server: EventStoreDBTestServer;
  let client: EventStoreDBClient;
  beforeEach(async () => {
    server = await EventStoreDBTestServer.start({ seed: { systemRecords: false } });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });
  afterEach(async () => {
    await client.dispose();
    await server.close();
  });

  it('numbers revisions from 0 without gaps and answers the last revision and its position', async () => {
    const first = await client.appendToStream('Order-1', [event(), event()], { expectedRevision: 'no_stream' });
    const second = await client.appendToStream('Order-1', event(), { expectedRevision: 1n });
    expect([first.nextExpectedRevision, second.nextExpectedRevision]).toEqual([1n, 2n]);
    const read = await drain<ResolvedEvent>(client.readStream('Order-1'));
    expect(read.map((resolved) => resolved.event?.revision)).toEqual([0n, 1n, 2n]);
    expect(read[2]?.event?.position).toEqual(second.position);
  });

  it('checks each expected-revision mode and reports the current revision when it is wrong', async () => {
    await expect(client.appendToStream('Order-2', event(), { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      actualVersion: 'no_stream',
    });
    await client.appendToStream('Order-2', event(), { expectedRevision: 'any' });
    await expect(client.appendToStream('Order-2', event(), { expectedRevision: 'no_stream' })).rejects.toMatchObject({ actualVersion: 0n });
    await expect(client.appendToStream('Order-2', event(), { expectedRevision: 5n })).rejects.toMatchObject({ expectedVersion: 5n, actualVersion: 0n });
    expect((await client.appendToStream('Order-2', event(), { expectedRevision: 'stream_exists' })).nextExpectedRevision).toBe(1n);
  });

  it('treats the same event ids at the same expected revision as one write, and a partial match as wrong', async () => {
    const batch = [event(), event()];
    await client.appendToStream('Order-3', batch, { expectedRevision: 'no_stream' });
    const again = await client.appendToStream('Order-3', batch, { expectedRevision: 'no_stream' });
    expect(again.nextExpectedRevision).toBe(1n);
    await expect(client.appendToStream('Order-3', [batch[0]!, event()], { expectedRevision: 'no_stream' })).rejects.toBeInstanceOf(
      WrongExpectedVersionError,
    );
    expect(await drain(client.readStream('Order-3'))).toHaveLength(2);
  });

  it('answers a read of a missing stream with stream_not_found', async () => {
    await expect(drain(client.readStream('Missing-1'))).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it('reads streams and $all in both directions, from a revision or position, up to a count', async () => {
    for (const stream of ['A-1', 'B-1', 'A-1']) await client.appendToStream(stream, [event(), event()]);
    const backwards = await drain<ResolvedEvent>(client.readStream('A-1', { direction: BACKWARDS, fromRevision: 2n, maxCount: 2 }));
    expect(backwards.map((resolved) => resolved.event?.revision)).toEqual([2n, 1n]);
    const all = await drain<AllStreamResolvedEvent>(client.readAll({ fromPosition: START }));
    expect(all).toHaveLength(6);
    const third = all[2]!.event!.position;
    const fromThird = await drain<AllStreamResolvedEvent>(client.readAll({ fromPosition: third, maxCount: 2 }));
    expect(fromThird.map((resolved) => resolved.event?.position)).toEqual([third, all[3]!.event!.position]);
    const beforeThird = await drain<AllStreamResolvedEvent>(client.readAll({ fromPosition: third, direction: BACKWARDS }));
    expect(beforeThird.map((resolved) => resolved.event?.id)).toEqual([all[1]!.event!.id, all[0]!.event!.id]);
    const last = await drain<AllStreamResolvedEvent>(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    expect(last[0]?.event?.id).toBe(all[5]!.event!.id);
    expect(await drain(client.readAll({ fromPosition: END, direction: FORWARDS }))).toEqual([]);
  });

  it('gives a filtered subscription its history, then caught-up, then live events, after a position', async () => {
    await client.appendToStream('C-1', [event('Kept'), event('Dropped'), event('Kept')]);
    const history = await drain<AllStreamResolvedEvent>(client.readAll());
    const subscription = client.subscribeToAll({ fromPosition: history[0]!.event!.position, filter: eventTypeFilter({ prefixes: ['Kept'] }) });
    const seen: string[] = [];
    subscription.on('confirmation', () => seen.push('confirmation'));
    subscription.on('caughtUp', () => {
      seen.push('caughtUp');
      void client.appendToStream('C-2', event('Kept'));
    });
    for await (const resolved of subscription) {
      seen.push(`${resolved.event?.streamId}@${resolved.event?.revision}`);
      if (seen.length === 4) break;
    }
    await subscription.unsubscribe();
    expect(seen).toEqual(['confirmation', 'C-1@2', 'caughtUp', 'C-2@0']);
  });

  it('soft-deletes a stream, which reads as missing until an append continues its revisions', async () => {
    await client.appendToStream('D-1', [event(), event()]);
    await client.deleteStream('D-1');
    await expect(drain(client.readStream('D-1'))).rejects.toBeInstanceOf(StreamNotFoundError);
    await client.appendToStream('D-1', event());
    const read = await drain<ResolvedEvent>(client.readStream('D-1'));
    expect(read.map((resolved) => resolved.event?.revision)).toEqual([2n]);
  });

  it('tombstones a stream for good', async () => {
    await client.appendToStream('T-1', event());
    await client.tombstoneStream('T-1');
    await expect(drain(client.readStream('T-1'))).rejects.toBeInstanceOf(StreamDeletedError);
    await expect(client.appendToStream('T-1', event())).rejects.toBeInstanceOf(StreamDeletedError);
  });

  it('keeps its data across stop and start on the same port', async () => {
    await client.appendToStream('R-1', event());
    const port = server.port;
    await server.stop();
    // BatchAppend's shared call is cancelled under it; a plain call would find the node unavailable.
    await expect(client.appendToStream('R-1', event())).rejects.toMatchObject({ type: expect.stringMatching(/^(unavailable|cancelled)$/) });
    await server.start();
    expect(server.port).toBe(port);
    expect((await client.appendToStream('R-1', event())).nextExpectedRevision).toBe(1n);
  });
});
