import { collect } from '@aftersales/core';
import { testEvent } from '@aftersales/core/testing';
import { EventStoreDBClient } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventStoreDBTestServer } from './test-server/index.js';
import { EventStoreDBEventStore } from './event-store.js';
import { EventStoreDBStoreSettings, SETTINGS_STREAM } from './store-settings.js';

describe("a log's settings on EventStoreDB", () => {
  let server: EventStoreDBTestServer;
  let clients: EventStoreDBClient[];
  const settingsOf = () => {
    const client = EventStoreDBClient.connectionString(server.connectionString);
    clients.push(client);
    return new EventStoreDBStoreSettings(client);
  };
  beforeEach(async () => {
    server = await EventStoreDBTestServer.start();
    clients = [];
  });
  afterEach(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await server.close();
  });

  it('keeps each setting until it is changed or removed, as another process reads it', async () => {
    const settings = settingsOf();
    expect(await settings.get('key-store-id')).toEqual(E.right(undefined));
    expect(await settings.set('key-store-id', 'ks-1')).toEqual(E.right(undefined));
    expect(await settings.set('import', 'importing')).toEqual(E.right(undefined));
    const other = settingsOf();
    expect(await other.get('key-store-id')).toEqual(E.right('ks-1'));
    expect(await other.set('import', undefined)).toEqual(E.right(undefined));
    expect(await settings.get('import')).toEqual(E.right(undefined));
    expect(await settings.get('key-store-id')).toEqual(E.right('ks-1'));
  });

  it('lets exactly one of two processes claiming a setting at once win, and both learn which value won', async () => {
    const [first, second] = await Promise.all([settingsOf().claim('key-store-id', 'ks-a'), settingsOf().claim('key-store-id', 'ks-b')]);
    expect(E.isRight(first) && E.isRight(second) && first.right === second.right).toBe(true);
    expect([E.right('ks-a'), E.right('ks-b')]).toContainEqual(first);
    expect(await settingsOf().claim('key-store-id', 'ks-c')).toEqual(first);
  });

  it('are never read as events of the log', async () => {
    const client = EventStoreDBClient.connectionString(server.connectionString);
    clients.push(client);
    const store = new EventStoreDBEventStore(client);
    const appended = await store.appendToStream('Order-1', [testEvent()], { expectedRevision: 'noStream' });
    await settingsOf().set('key-store-id', 'ks-1');
    const events = E.isRight(appended) ? appended.right.events : [];
    expect(await collect(store.readAll())).toEqual(E.right(events));
    expect(await collect(store.readAll({ filter: { eventTypes: ['SomethingHappened', 'StoreSettingsSaved'] } }))).toEqual(E.right(events));
    expect(server.log.all.some((record) => record.streamName === SETTINGS_STREAM)).toBe(true);
  });

  it('reports settings that do not decode instead of taking them for none', async () => {
    const client = EventStoreDBClient.connectionString(server.connectionString);
    clients.push(client);
    await client.appendToStream(SETTINGS_STREAM, { id: '6f9619ff-8b86-d011-b42d-00cf4fc964ff', contentType: 'application/json', type: 'StoreSettingsSaved', data: { settings: [] }, metadata: {} });
    expect(await settingsOf().get('key-store-id')).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: SETTINGS_STREAM })));
  });
});
