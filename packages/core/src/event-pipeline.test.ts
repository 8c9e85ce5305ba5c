import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { collect } from './event-store.js';
import { withEventPipeline } from './event-pipeline.js';
import { deterministicEventId } from './event-ids.js';
import { InMemoryEventStore } from './in-memory-store.js';
import type { EventToAppend, RecordedEvent } from './messages.js';
import { createUpcasting } from './upcasting.js';

/** `Noted` v1 had `text`; v2 has `lines`. */
const upcasting = createUpcasting([
  { eventType: 'Noted', fromVersion: 1, upcast: (data) => ({ lines: [(data as { text: string }).text] }) },
]);
const schema = z.union([
  z.object({ type: z.literal('Noted'), data: z.strictObject({ lines: z.array(z.string()) }) }),
  z.object({ type: z.string().refine((type) => type !== 'Noted'), data: z.unknown() }),
]);

const noted = (n: number, schemaVersion: number, data: unknown): EventToAppend => ({
  eventId: deterministicEventId('Note-1', `c-${n}`, 0),
  type: 'Noted',
  data,
  metadata: { commandId: `c-${n}`, correlationId: `c-${n}`, causationId: `c-${n}`, actor: { id: 'a', role: 'Clerk' }, occurredAt: '2026-03-01T09:00:00Z', schemaVersion },
});

describe('withEventPipeline', () => {
  it('returns the newest shape on every read path and says which version it now is', async () => {
    const raw = new InMemoryEventStore();
    await raw.appendToStream('Note-1', [noted(1, 1, { text: 'first' })], { expectedRevision: 'noStream' });
    await raw.appendToStream('Note-1', [noted(2, 2, { lines: ['second'] })], { expectedRevision: 0 });
    const store = withEventPipeline(raw, { upcasting, schema });

    const byStream = await collect(store.readStream('Note-1'));
    const byAll = await collect(store.readAll());
    const expected = [
      expect.objectContaining({ revision: 0, data: { lines: ['first'] }, metadata: expect.objectContaining({ schemaVersion: 2 }) }),
      expect.objectContaining({ revision: 1, data: { lines: ['second'] }, metadata: expect.objectContaining({ schemaVersion: 2 }) }),
    ];
    expect(byStream).toEqual(E.right(expected));
    expect(byAll).toEqual(E.right(expected));

    const subscription = store.subscribeToAll();
    const seen: unknown[] = [];
    for await (const event of subscription) {
      seen.push(event.data);
      if (seen.length === 2) break;
    }
    await subscription.close();
    expect(seen).toEqual([{ lines: ['first'] }, { lines: ['second'] }]);
  });

  it('stops a read at an event from an unknown future version, naming stream, revision and version', async () => {
    const raw = new InMemoryEventStore();
    await raw.appendToStream('Note-1', [noted(1, 1, { text: 'first' }), noted(2, 3, { paragraphs: [] })], { expectedRevision: 'noStream' });
    const read = await collect(withEventPipeline(raw, { upcasting }).readAll());
    expect(read).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'Note-1', revision: 1 })));
    expect(E.isLeft(read) && read.left.message).toMatch(/Note-1@1.*schema version 3.*newest.*\(2\)/);
  });

  it('reports data that does not decode after upcasting as a corrupted event', async () => {
    const raw = new InMemoryEventStore();
    await raw.appendToStream('Note-1', [noted(1, 2, { lines: 'not a list' })], { expectedRevision: 'noStream' });
    const read = await collect(withEventPipeline(raw, { upcasting, schema }).readStream('Note-1'));
    expect(read).toEqual(E.left(expect.objectContaining({ code: 'CorruptedEvent', streamId: 'Note-1', revision: 0 })));
  });

  it('returns appended events with their data as given, without decoding what it has just encoded', async () => {
    const raw = new InMemoryEventStore();
    let decoded = 0;
    const transform = {
      encode: (_streamId: string, event: EventToAppend) => ({ ...event, data: { sealed: JSON.stringify(event.data) } }),
      decode: (event: RecordedEvent) => {
        decoded += 1;
        return { ...event, data: JSON.parse((event.data as { sealed: string }).sealed) as unknown };
      },
    };
    const store = withEventPipeline(raw, { upcasting, schema, transform });
    const appended = await store.appendToStream('Note-1', [noted(1, 2, { lines: ['first'] })], { expectedRevision: 'noStream' });
    expect(E.isRight(appended) && appended.right.events.map((event) => event.data)).toEqual([{ lines: ['first'] }]);
    expect(decoded).toBe(0);
    const stored = await collect(raw.readStream('Note-1'));
    expect(E.isRight(stored) && stored.right[0]!.data).toEqual({ sealed: '{"lines":["first"]}' });
    const retried = await store.appendToStream('Note-1', [noted(1, 2, { lines: ['first'] })], { expectedRevision: 'noStream' });
    expect(E.isRight(retried) && retried.right.events.map((event) => event.data)).toEqual([{ lines: ['first'] }]);
    expect(decoded).toBe(1);
  });
});
