import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collect } from '../event-store.js';
import { computeEventHash } from '../hash-chain.js';
import { InMemoryEventStore } from '../in-memory-store.js';
import type { EventToAppend, RecordedEvent } from '../messages.js';
import type { VerificationReport, VerificationSource, VerifyOptions } from './index.js';
import { INTEGRITY_STREAM, createLogVerifier, formatAnchor, parseAnchor, sealLog, verifyLog, verifySource } from './index.js';
import { deterministicEventId } from '../event-ids.js';

const actor = { id: 'auditor-1', role: 'Auditor' };

const event = (streamId: string, n: number, data: unknown): EventToAppend => ({
  eventId: deterministicEventId(streamId, `c-${n}`, 0),
  type: 'Noted',
  data,
  metadata: {
    commandId: `c-${n}`,
    correlationId: `c-${n}`,
    causationId: `c-${n}`,
    actor: { id: 'EP-01', role: 'BusinessEndpoint' },
    occurredAt: `2026-03-0${1 + (n % 9)}T09:00:00+08:00`,
    schemaVersion: 1,
  },
});

/** Two streams, A with four events and B with three, interleaved in the global order. */
const buildLog = async () => {
  const store = new InMemoryEventStore({ clock: () => new Date('2026-03-10T00:00:00Z') });
  let n = 0;
  for (const streamId of ['A', 'B', 'A', 'A', 'B', 'A', 'B']) {
    n += 1;
    const current = await collect(store.readStream(streamId));
    const revision = E.isRight(current) ? current.right.length - 1 : -1;
    const appended = await store.appendToStream(streamId, [event(streamId, n, { n, note: `event ${n}` })], {
      expectedRevision: revision < 0 ? 'noStream' : revision,
    });
    if (E.isLeft(appended)) throw new Error(appended.left.message);
  }
  return store;
};

const sourceOf = (events: readonly RecordedEvent[]): VerificationSource => ({
  readAll: async function* () {
    yield* events;
  },
  readCheckpoints: async function* () {
    yield* events.filter((one) => one.streamId === INTEGRITY_STREAM);
  },
});

const rawEvents = async (store: InMemoryEventStore) => {
  const all = await collect(store.readAll());
  if (E.isLeft(all)) throw new Error(all.left.message);
  return all.right;
};

const verify = async (events: readonly RecordedEvent[], options: VerifyOptions = {}): Promise<VerificationReport> => {
  const result = await verifySource(sourceOf(events), options);
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

const reseal = (one: RecordedEvent): RecordedEvent => ({ ...one, metadata: { ...one.metadata, hash: computeEventHash(one) } });
const at = (events: RecordedEvent[], streamId: string, revision: number) => events.findIndex((one) => one.streamId === streamId && one.revision === revision);

describe('verifyLog', () => {
  it('finds an intact log intact, with an anchor of the whole log', async () => {
    const store = await buildLog();
    const result = await verifyLog(store);
    expect(E.isRight(result) && result.right).toMatchObject({ intact: true, eventCount: 7, streamCount: 2, problems: [] });
  });

  it('names an edited field: stream, revision, the hash expected and the hash found', async () => {
    const events = await rawEvents(await buildLog());
    const index = at(events, 'A', 1);
    events[index] = { ...events[index]!, data: { n: 3, note: 'edited' } };
    const report = await verify(events);
    expect(report.intact).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'BrokenHash', streamId: 'A', revision: 1, found: events[index]!.metadata.hash, expected: computeEventHash(events[index]!) }),
    ]);
  });

  it('names a deleted event as a gap', async () => {
    const events = await rawEvents(await buildLog());
    events.splice(at(events, 'B', 1), 1);
    const report = await verify(events);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'Gap', streamId: 'B', revision: 1, expected: 'revision 1', found: 'revision 2' })]);
  });

  it('names two swapped events as reordered, not as a loss', async () => {
    const events = await rawEvents(await buildLog());
    const [first, second] = [at(events, 'A', 1), at(events, 'A', 2)];
    [events[first], events[second]] = [events[second]!, events[first]!];
    const report = await verify(events);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'Reordered', streamId: 'A', revision: 1 })]);
  });

  it('names an event whose hash was recomputed after an edit by the broken link of the next one', async () => {
    const events = await rawEvents(await buildLog());
    const index = at(events, 'A', 1);
    events[index] = reseal({ ...events[index]!, data: { n: 3, note: 'forged' } });
    const report = await verify(events);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'BrokenLink', streamId: 'A', revision: 2, found: events[at(events, 'A', 2)]!.metadata.prevHash })]);
  });

  it('cannot see a forged last event without a checkpoint (the chain alone has no anchor)', async () => {
    const events = await rawEvents(await buildLog());
    const index = at(events, 'A', 3);
    events[index] = reseal({ ...events[index]!, data: { n: 6, note: 'forged' } });
    expect((await verify(events)).intact).toBe(true);
  });

  it('catches a forged last event once a checkpoint has sealed it, naming the stream and revision', async () => {
    const store = await buildLog();
    const sealed = await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00' });
    expect(E.isRight(sealed) && sealed.right.sealed).toBe(true);
    const events = await rawEvents(store);
    expect((await verify(events)).intact).toBe(true);
    const index = at(events, 'A', 3);
    events[index] = reseal({ ...events[index]!, data: { n: 6, note: 'forged' } });
    const report = await verify(events);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'CheckpointMismatch', streamId: 'A', revision: 3, found: events[index]!.metadata.hash })]);
  });

  it('catches a removed last event once sealed', async () => {
    const store = await buildLog();
    await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00' });
    const events = (await rawEvents(store)).filter((one) => !(one.streamId === 'B' && one.revision === 2));
    const report = await verify(events);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'CheckpointMismatch', streamId: 'B', revision: 2, found: 'last revision 1' })]);
  });

  it('catches a forged checkpoint with the audit key, and with an anchor the auditor kept', async () => {
    const auditKey = Buffer.alloc(32, 7);
    const store = await buildLog();
    const sealed = await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00', auditKey });
    if (E.isLeft(sealed)) throw new Error(sealed.left.message);
    const anchor = sealed.right.report.anchor;
    const events = await rawEvents(store);
    expect((await verify(events, { auditKey, anchors: [anchor] })).intact).toBe(true);

    // The attacker forges A@3 and rebuilds the checkpoint to match, without the key.
    const index = at(events, 'A', 3);
    events[index] = reseal({ ...events[index]!, data: { n: 6, note: 'forged' } });
    const rebuilt = createLogVerifier([]);
    for (const one of events.filter((e) => e.streamId !== INTEGRITY_STREAM)) rebuilt.add(one);
    const checkpointIndex = events.findIndex((one) => one.streamId === INTEGRITY_STREAM);
    events[checkpointIndex] = reseal({ ...events[checkpointIndex]!, data: rebuilt.checkpoint(new Set(['A', 'B'])) });

    expect((await verify(events)).intact).toBe(true);
    expect((await verify(events, { auditKey })).problems).toEqual([expect.objectContaining({ kind: 'BadCheckpoint', streamId: INTEGRITY_STREAM, revision: 0 })]);
    expect((await verify(events, { anchors: [anchor] })).problems).toEqual([expect.objectContaining({ kind: 'CheckpointMismatch', streamId: '$all', expected: anchor.logDigest })]);
  });

  it('with the audit key, vouches as far as its last checkpoint and accepts the seals made between two audits without it', async () => {
    const auditKey = Buffer.alloc(32, 7);
    const store = await buildLog();
    // The log was sealed by routine runs before any audit: the key vouches for none of it yet.
    await sealLog(store, { actor, at: '2026-03-10T09:00:00+08:00' });
    const beforeAudit = await verify(await rawEvents(store), { auditKey });
    expect(beforeAudit.problems).toEqual([expect.objectContaining({ kind: 'BadCheckpoint', streamId: INTEGRITY_STREAM, revision: 0, found: 'no checkpoint with such a MAC' })]);

    // The first audit seals with the key, though nothing but the checkpoint is new.
    const audit = await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00', auditKey });
    expect(audit).toMatchObject({ right: { sealed: true } });
    const audited = (await rawEvents(store)).length;

    // Routine work and its seal without the key follow: still intact under the key, vouched as far as the audit.
    await store.appendToStream('C', [event('C', 20, { n: 20 })], { expectedRevision: 'noStream' });
    expect(await sealLog(store, { actor, at: '2026-03-11T10:00:00+08:00' })).toMatchObject({ right: { sealed: true } });
    const events = await rawEvents(store);
    const report = await verify(events, { auditKey });
    expect(report).toMatchObject({ intact: true, checkpoints: 3, vouchedEventCount: audited - 1 });
    expect(report.vouchedEventCount).toBeLessThan(report.eventCount);

    // An event the keyed checkpoint sealed cannot be forged, whatever the later checkpoints say.
    const index = at(events, 'A', 3);
    events[index] = reseal({ ...events[index]!, data: { n: 6, note: 'forged' } });
    expect((await verify(events, { auditKey })).problems).toContainEqual(
      expect.objectContaining({ kind: 'CheckpointMismatch', message: expect.stringContaining(`checkpoint ${INTEGRITY_STREAM}@1 `) }),
    );
  });

  it('reports a keyed checkpoint whose MAC was altered as forged', async () => {
    const auditKey = Buffer.alloc(32, 7);
    const store = await buildLog();
    await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00', auditKey });
    const events = await rawEvents(store);
    const checkpointIndex = events.findIndex((one) => one.streamId === INTEGRITY_STREAM);
    const checkpoint = events[checkpointIndex]!;
    events[checkpointIndex] = reseal({ ...checkpoint, data: { ...(checkpoint.data as object), mac: 'f'.repeat(64) } });
    const report = await verify(events, { auditKey });
    expect(report.problems).toContainEqual(expect.objectContaining({ kind: 'BadCheckpoint', streamId: INTEGRITY_STREAM, revision: 0, found: 'f'.repeat(64) }));
    expect(report.vouchedEventCount).toBe(0);
  });

  it('refuses to seal a tampered log, and seals only what changed since the last seal', async () => {
    const store = await buildLog();
    const first = await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00' });
    expect(E.isRight(first) && first.right.checkpoint?.heads.map((head) => head.streamId)).toEqual(['A', 'B']);
    const again = await sealLog(store, { actor, at: '2026-03-10T11:00:00+08:00' });
    expect(again).toMatchObject({ right: { sealed: false } });
    await store.appendToStream('C', [event('C', 99, { n: 99 })], { expectedRevision: 'noStream' });
    const third = await sealLog(store, { actor, at: '2026-03-10T12:00:00+08:00' });
    expect(E.isRight(third) && third.right.checkpoint?.heads.map((head) => head.streamId)).toEqual(['C', INTEGRITY_STREAM]);
    expect(await sealLog(store, { actor, at: '2026-03-10T13:00:00+08:00' })).toMatchObject({ right: { sealed: false } });
    expect(E.isRight(await verifyLog(store)) && (await verifyLog(store))).toMatchObject({ right: { intact: true, checkpoints: 2 } });
  });

  it('gives an anchor that covers the checkpoint, and catches a removed tail, a removed stream and a swap across streams', async () => {
    const store = await buildLog();
    const sealed = await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00' });
    if (E.isLeft(sealed)) throw new Error(sealed.left.message);
    const anchors = [sealed.right.anchor];
    const events = await rawEvents(store);
    expect(sealed.right.anchor.eventCount).toBe(events.length);
    expect((await verify(events, { anchors })).intact).toBe(true);

    // Without the checkpoint the chains alone cannot tell; the anchor kept elsewhere can.
    const withoutTail = events.slice(0, -2);
    expect((await verify(withoutTail)).intact).toBe(true);
    expect((await verify(withoutTail, { anchors })).problems).toEqual([expect.objectContaining({ kind: 'CheckpointMismatch', streamId: '$all' })]);

    const withoutB = events.filter((one) => one.streamId !== 'B' && one.streamId !== INTEGRITY_STREAM);
    expect((await verify(withoutB)).intact).toBe(true);
    expect((await verify(withoutB, { anchors })).intact).toBe(false);

    const swapped = [...events];
    const [a, b] = [at(swapped, 'A', 0), at(swapped, 'B', 0)];
    [swapped[a], swapped[b]] = [{ ...swapped[b]!, globalPosition: swapped[a]!.globalPosition }, { ...swapped[a]!, globalPosition: swapped[b]!.globalPosition }];
    const withoutCheckpoint = swapped.filter((one) => one.streamId !== INTEGRITY_STREAM);
    expect((await verify(withoutCheckpoint)).intact).toBe(true);
    expect((await verify(withoutCheckpoint, { anchors })).intact).toBe(false);
  });

  it('refuses a seal whose actor could not be read back, and the log stays as it was', async () => {
    const store = await buildLog();
    for (const id of ['', 'a'.repeat(300)]) {
      const refused = await sealLog(store, { actor: { id, role: 'Auditor' }, at: '2026-03-10T10:00:00+08:00' });
      expect(refused).toMatchObject({ left: { code: 'InvalidAppend' } });
    }
    expect(await verifyLog(store)).toMatchObject({ right: { intact: true, checkpoints: 0, eventCount: 7 } });
    expect(await sealLog(store, { actor, at: '2026-03-10T10:00:00+08:00' })).toMatchObject({ right: { sealed: true } });
  });

  it('reads anchors as <eventCount>:<digest>', () => {
    const anchor = { eventCount: 12, logDigest: 'ab'.repeat(32) };
    expect(parseAnchor(formatAnchor(anchor))).toEqual(E.right(anchor));
    expect(E.isLeft(parseAnchor('12:xyz'))).toBe(true);
    expect(parseAnchor(`99999999999999999999:${'ab'.repeat(32)}`)).toMatchObject({ left: expect.stringContaining('counts more events than any log holds') });
  });

  it('detects any single edited event, anywhere in the log', async () => {
    const original = await rawEvents(await buildLog());
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: original.length - 1 }), fc.string(), fc.boolean(), async (index, note, recompute) => {
        const events = [...original];
        const edited = { ...events[index]!, data: { ...(events[index]!.data as object), note: `${note}!` } };
        events[index] = recompute ? reseal(edited) : edited;
        const isLast = !events.some((one) => one.streamId === edited.streamId && one.revision > edited.revision);
        const report = await verify(events);
        // Without a checkpoint, only a recomputed hash on a stream's last event escapes the chain.
        expect(report.intact).toBe(recompute && isLast);
        if (!report.intact) expect(report.problems[0]).toMatchObject({ streamId: edited.streamId });
      }),
      { numRuns: 60 },
    );
  });
});
