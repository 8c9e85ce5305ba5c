import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBProjectionStore, LEGACY_CHECKPOINT_STREAM_PREFIX, checkpointStreamOf } from './projection-store.js';

describe('EventStoreDBProjectionStore', () => {
  let server: EventStoreDBTestServer;
  let client: EventStoreDBClient;
  let store: EventStoreDBProjectionStore;
  beforeEach(async () => {
    server = await EventStoreDBTestServer.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
    store = new EventStoreDBProjectionStore(client);
  });
  afterEach(async () => {
    await client.dispose();
    await server.close();
  });

  it('knows nothing of a projection that never saved', async () => {
    expect(await store.load('Never')).toEqual(E.right(undefined));
  });

  it('loads the last saved state and position, positions beyond 64 bits included', async () => {
    const position = (123n << 64n) | 456n;
    expect(E.isRight(await store.save('Kpis', { state: { count: 1 }, position: 5n }, undefined))).toBe(true);
    expect(E.isRight(await store.save('Kpis', { state: { count: 2 }, position }, 5n))).toBe(true);
    expect(await store.load('Kpis')).toEqual(E.right({ state: { count: 2 }, position }));
  });

  it('refuses a save from a runner that loaded before another one saved', async () => {
    expect(E.isRight(await store.save('Audit', { state: 'first', position: 10n }, undefined))).toBe(true);
    const stale = await store.save('Audit', { state: 'stale', position: 11n }, undefined);
    expect(stale).toEqual(E.left(expect.objectContaining({ code: 'SecondWriter', projection: 'Audit' })));
    expect(await store.load('Audit')).toEqual(E.right({ state: 'first', position: 10n }));
  });

  it('forgets state and checkpoint on reset, and saves afresh after it', async () => {
    await store.save('Rebuilt', { state: [1, 2], position: 7n }, undefined);
    expect(E.isRight(await store.reset('Rebuilt'))).toBe(true);
    expect(await store.load('Rebuilt')).toEqual(E.right(undefined));
    expect(E.isRight(await store.save('Rebuilt', { state: [], position: 3n }, undefined))).toBe(true);
    expect(await store.load('Rebuilt')).toEqual(E.right({ state: [], position: 3n }));
  });

  it('resumes from a checkpoint kept under the former $ prefix, and saves the next one under the current prefix', async () => {
    await client.appendToStream(`${LEGACY_CHECKPOINT_STREAM_PREFIX}Old`, jsonEvent({ type: 'ProjectionSaved', data: { position: '9', state: 'before' } }));
    expect(await store.load('Old')).toEqual(E.right({ state: 'before', position: 9n }));
    expect(await store.save('Old', { state: 'after', position: 12n }, 9n)).toEqual(E.right(undefined));
    expect(server.log.currentRevision(checkpointStreamOf('Old'))).toBe(0n);
    expect(await store.load('Old')).toEqual(E.right({ state: 'after', position: 12n }));
  });

  it('reports a checkpoint stream holding something else as CorruptedEvent', async () => {
    await client.appendToStream(checkpointStreamOf('Tampered'), jsonEvent({ type: 'ProjectionSaved', data: { position: 'not a number' } }));
    expect(await store.load('Tampered')).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent' })));
  });

  it('survives a server restart', async () => {
    await store.save('Durable', { state: { ok: true }, position: 42n }, undefined);
    await server.stop();
    expect(await store.load('Durable')).toEqual(E.left(expect.objectContaining({ code: 'StoreUnavailable' })));
    await server.start();
    expect(await store.load('Durable')).toEqual(E.right({ state: { ok: true }, position: 42n }));
  });
});
