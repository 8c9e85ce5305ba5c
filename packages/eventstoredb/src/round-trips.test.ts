import type { RecordedEvent } from '@aftersales/core';
import { collect, createCommandHandler, verifyLog } from '@aftersales/core';
import { verifyStreamChain } from '@aftersales/core/adapter-kit';
import { counter, counterCommand, testEvent } from '@aftersales/core/testing';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { closedAfterEachTest } from './production.fixture.js';
import { EventStoreDBTestServer } from './test-server/index.js';

const events = (read: E.Either<unknown, RecordedEvent[]>): RecordedEvent[] => (E.isRight(read) ? read.right : []);

describe('9. EventStoreDBEventStore on a stream it knows', () => {
  const { closeLater, openStore } = closedAfterEachTest();
  const startServer = async () => {
    const server = await EventStoreDBTestServer.start();
    closeLater(() => server.close());
    return server;
  };
  const clockAt = (at: string) => () => new Date(at);

  it('appends one event in one round trip after its own append, with its position from the answer', async () => {
    const server = await startServer();
    const store = openStore(server.connectionString);
    await store.appendToStream('Order-11', [testEvent()], { expectedRevision: 'noStream' });
    const before = server.roundTrips;
    const appended = await store.appendToStream('Order-11', [testEvent()], { expectedRevision: 0 });
    expect(server.roundTrips - before).toBe(1);
    const read = await collect(openStore(server.connectionString).readStream('Order-11', { from: 1 }));
    expect(E.isRight(appended) && appended.right.events).toEqual(events(read));
  });

  it('appends in one round trip onto the head a caller read from the store (expectedHash)', async () => {
    const server = await startServer();
    await openStore(server.connectionString).appendToStream('Order-15', [testEvent()], { expectedRevision: 'noStream' });
    const reader = openStore(server.connectionString);
    const [head] = events(await collect(reader.readStream('Order-15')));
    const before = server.roundTrips;
    await reader.appendToStream('Order-15', [testEvent()], { expectedRevision: 0, expectedHash: head!.metadata.hash });
    expect(server.roundTrips - before).toBe(1);
    expect(verifyStreamChain(events(await collect(reader.readStream('Order-15'))))).toEqual([]);
  });

  it('keeps the hash chain whole when another process stored the same batch first, at another instant', async () => {
    const server = await startServer();
    const mine = openStore(server.connectionString, { clock: clockAt('2026-03-02T01:00:00.000Z') });
    const theirs = openStore(server.connectionString, { clock: clockAt('2026-03-02T01:00:07.000Z') });
    await mine.appendToStream('Order-12', [testEvent()], { expectedRevision: 'noStream' });
    const duplicate = testEvent();
    const stored = await theirs.appendToStream('Order-12', [duplicate], { expectedRevision: 0 });
    const answered = await mine.appendToStream('Order-12', [duplicate], { expectedRevision: 0 });
    expect(answered).toEqual(stored);
    await mine.appendToStream('Order-12', [testEvent()], { expectedRevision: 1 });
    const read = events(await collect(mine.readStream('Order-12')));
    expect(read.map((event) => event.revision)).toEqual([0, 1, 2]);
    expect(verifyStreamChain(read)).toEqual([]);
  });

  /**
   * The same command handled by two processes on the heads they hold: each decides it on the same
   * head and seals it at its own instant. The first append lands in one round trip; the second is
   * refused at the revision it was sealed for (its server ids differ) and answered with the events
   * stored, so both processes answer alike and chain their next commands onto the stored hash.
   */
  it('lets two processes handle the same command on the heads they hold: one round trip each, the same answer, an intact log', async () => {
    const server = await startServer();
    const storeA = openStore(server.connectionString, { clock: clockAt('2026-03-02T01:00:00.000Z') });
    const storeB = openStore(server.connectionString, { clock: clockAt('2026-03-02T01:00:07.000Z') });
    const a = createCommandHandler({ store: storeA, telemetry: false });
    const b = createCommandHandler({ store: storeB, telemetry: false });
    const increment = (commandId: string, by = 1) => counterCommand('Increment', { counterId: 'C1', by }, commandId);
    const roundTripsOf = async <T>(call: () => Promise<T>): Promise<{ readonly result: T; readonly roundTrips: number }> => {
      const before = server.roundTrips;
      const result = await call();
      return { result, roundTrips: server.roundTrips - before };
    };

    expect(E.isRight(await a.handle(counter, increment('cmd-0')))).toBe(true);
    // B loads the counter (a refused command leaves it with the head it loaded).
    expect(await b.handle(counter, increment('cmd-1', 500))).toEqual(E.left(expect.objectContaining({ code: 'LimitExceeded' })));

    const first = await roundTripsOf(() => a.handle(counter, increment('cmd-x')));
    const second = await roundTripsOf(() => b.handle(counter, increment('cmd-x')));
    expect(first.roundTrips).toBe(1);
    expect(E.isRight(first.result) && first.result.right.events.map((event) => event.revision)).toEqual([1]);
    expect(second.result).toEqual(first.result);

    const next = await roundTripsOf(() => b.handle(counter, increment('cmd-y')));
    expect(next.roundTrips).toBe(1);
    expect(E.isRight(await a.handle(counter, increment('cmd-z')))).toBe(true);

    const stream = events(await collect(storeA.readStream('Counter-C1')));
    expect(stream.map((event) => event.metadata.commandId)).toEqual(['cmd-0', 'cmd-x', 'cmd-y', 'cmd-z']);
    expect(await verifyLog(storeB)).toEqual(E.right(expect.objectContaining({ intact: true, problemCount: 0 })));
  });

  it('stores each event under an id made of its hash, and reads the library’s id back, also from events stored under it', async () => {
    const server = await startServer();
    const store = openStore(server.connectionString);
    const event = testEvent();
    await store.appendToStream('Order-16', [event], { expectedRevision: 'noStream' });
    const record = server.log.visibleRecords('Order-16')![0]!;
    expect(record.eventId).not.toBe(event.eventId);
    // As an event was stored before the library's id moved into the metadata.
    const { eventId: _libraryId, ...metadata } = JSON.parse(Buffer.from(record.customMetadata).toString()) as Record<string, unknown>;
    const earlier = await startServer();
    earlier.log.append('Order-16', { kind: 'noStream' }, [{ ...record, eventId: event.eventId, customMetadata: Buffer.from(JSON.stringify(metadata)) }]);
    for (const from of [server, earlier]) {
      const read = events(await collect(openStore(from.connectionString).readStream('Order-16')));
      expect(read.map((stored) => stored.eventId)).toEqual([event.eventId]);
      expect(verifyStreamChain(read)).toEqual([]);
    }
  });
});
