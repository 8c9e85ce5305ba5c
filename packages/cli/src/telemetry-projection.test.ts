import * as E from 'fp-ts/lib/Either.js';
import type { EventStore, ReadAllOptions } from '@aftersales/core';
import { createProjectionRunner, InMemoryEventStore, InMemoryProjectionStore, logHeadOf } from '@aftersales/core';
import { createDepartment } from '@aftersales/domain';
import { createReadModels } from '@aftersales/read-models';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { confirm, inMemoryTelemetry, ordersReceived, pointsOf, receive } from './telemetry.fixture.js';

const telemetry = inMemoryTelemetry();
const { named, collectedMetrics } = telemetry;

/** Events recorded a minute ago: every checkpoint age is at least that. */
const aMinuteAgo = () => new Date(Date.now() - 60_000);

/** A log of `orders` received repair orders, one event each, appended through the department (so each has an append span). */
const logOf = async (orders: number): Promise<InMemoryEventStore> => {
  const store = new InMemoryEventStore({ clock: aMinuteAgo });
  const department = createDepartment({ store });
  for (let order = 1; order <= orders; order += 1) expect(E.isRight(await department.handleUntrusted(receive(`RO-${order}`)))).toBe(true);
  return store;
};

type Snapshot = Record<string, { lag?: number; age?: number }>;

/** Each read model's lag and checkpoint age recorded since the last collection. */
const snapshot = async (): Promise<Snapshot> => {
  const all = await collectedMetrics();
  const seen: Snapshot = {};
  for (const [metric, field] of [
    ['aftersales.projection.lag', 'lag'],
    ['aftersales.projection.checkpoint.age', 'age'],
  ] as const) {
    for (const point of pointsOf(all, metric)) {
      const readModel = String(point.attributes['aftersales.read_model']);
      seen[readModel] = { ...seen[readModel], [field]: point.value as number };
    }
  }
  return seen;
};

/**
 * The store as a projection reads it, collecting the metrics whenever the reader comes back for the
 * event after every `every`-th: by then the batch (or save) of the events before it is committed.
 * `withHead: false` hides the store's head, as a store without one would.
 */
const observing = (store: EventStore, every: number, snapshots: Snapshot[], withHead = true): EventStore => ({
  ...(withHead ? logHeadOf(store) : {}),
  appendToStream: (...args) => store.appendToStream(...args),
  readStream: (...args) => store.readStream(...args),
  subscribeToAll: (options) => store.subscribeToAll(options),
  close: () => store.close(),
  readAll: async function* (options?: ReadAllOptions) {
    let read = 0;
    for await (const event of store.readAll(options)) {
      if (read > 0 && read % every === 0) snapshots.push(await snapshot());
      read += 1;
      yield event;
    }
  },
});

const lagsOf = (snapshots: readonly Snapshot[], readModel: string) => snapshots.map((seen) => seen[readModel]?.lag);

describe('projection telemetry with an SDK registered', () => {
  beforeAll(telemetry.register);
  afterAll(telemetry.unregister);
  afterEach(telemetry.reset);

  describe('the read models', () => {
    it('record each read model’s lag behind the log’s head and its checkpoint age after every batch of a catch-up and of a rebuild', async () => {
      const store = await logOf(5);
      const snapshots: Snapshot[] = [];
      const readModels = createReadModels({ store: observing(store, 2, snapshots), batchSize: 2 });
      expect(E.isRight(await readModels.catchUp())).toBe(true);
      snapshots.push(await snapshot());
      expect(E.isRight(await readModels.rebuild())).toBe(true);
      snapshots.push(await snapshot());

      // Batches end at positions 2, 4 and 5 of a log whose head is 5: 3, 1 and 0 events behind, twice.
      for (const readModel of ['kpi-facts', 'audit-trail']) expect(lagsOf(snapshots, readModel), readModel).toEqual([3, 1, 0, 3, 1, 0]);
      for (const seen of snapshots) for (const readModel of ['kpi-facts', 'audit-trail']) expect(seen[readModel]?.age).toBeGreaterThanOrEqual(60);
    });

    it('measure a replay up to a position against the head beyond it', async () => {
      const store = await logOf(5);
      expect(E.isRight(await createReadModels({ store }).catchUp({ until: 3n }))).toBe(true);
      const seen = await snapshot();
      expect([seen['kpi-facts']?.lag, seen['audit-trail']?.lag]).toEqual([2, 2]);
    });

    it('over a store that cannot tell its head, record the lag only at the end of a catch-up, and the age after every batch', async () => {
      const store = await logOf(5);
      const snapshots: Snapshot[] = [];
      expect(E.isRight(await createReadModels({ store: observing(store, 2, snapshots, false), batchSize: 2 }).catchUp())).toBe(true);
      snapshots.push(await snapshot());
      expect(lagsOf(snapshots, 'kpi-facts')).toEqual([undefined, undefined, 0]);
      expect(snapshots.map((seen) => seen['kpi-facts']?.age !== undefined)).toEqual([true, true, true]);
    });

    it('record the lag and checkpoint age of the batches they commit while following live events', async () => {
      const store = await logOf(1);
      const readModels = createReadModels({ store });
      expect(E.isRight(await readModels.start())).toBe(true);
      try {
        await snapshot();
        const department = createDepartment({ store });
        await department.handleUntrusted(receive('RO-2'));
        const confirmed = await department.handleUntrusted(confirm('RO-2'));
        if (E.isLeft(confirmed)) throw new Error(confirmed.left.message);
        expect(E.isRight(await readModels.waitFor(confirmed.right.events.at(-1)!.globalPosition))).toBe(true);
        // Stopping waits for the batch under way, and so for what it records.
        expect(E.isRight(await readModels.stop())).toBe(true);
        const seen = await snapshot();
        for (const readModel of ['kpi-facts', 'audit-trail']) {
          expect(seen[readModel]?.lag, readModel).toBe(0);
          expect(seen[readModel]?.age, readModel).toBeGreaterThanOrEqual(60);
        }
      } finally {
        await readModels.stop();
      }
    });
  });

  describe('the generic projection runner', () => {
    it('gives each save a project batch span with the positions it covered, its projection and store, linked to the spans that appended its events', async () => {
      const store = await logOf(5);
      const appends = named('append').map((span) => span.spanContext().spanId);
      const runner = createProjectionRunner({ store, projection: ordersReceived, saveEvery: 2 });
      expect(await runner.catchUp()).toEqual(E.right(5));

      const batches = named('project batch');
      expect(batches.map((span) => span.attributes)).toEqual(
        [
          ['1', '2', 2],
          ['3', '4', 2],
          ['5', '5', 1],
        ].map(([first, last, events]) => ({
          'db.system': 'memory',
          'aftersales.read_model': 'orders-received',
          'aftersales.events': events,
          'aftersales.projection.first_position': first,
          'aftersales.projection.last_position': last,
        })),
      );
      expect(batches.flatMap((span) => span.links.map((link) => link.context.spanId))).toEqual(appends);
    });

    it('records its lag behind the log’s head and its checkpoint age after every save of a catch-up and of a rebuild', async () => {
      const store = await logOf(5);
      const snapshots: Snapshot[] = [];
      const runner = createProjectionRunner({ store: observing(store, 2, snapshots), projection: ordersReceived, saveEvery: 2 });
      expect(await runner.catchUp()).toEqual(E.right(5));
      snapshots.push(await snapshot());
      expect(await runner.rebuild()).toEqual(E.right(5));
      snapshots.push(await snapshot());

      expect(lagsOf(snapshots, 'orders-received')).toEqual([3, 1, 0, 3, 1, 0]);
      for (const seen of snapshots) expect(seen['orders-received']?.age).toBeGreaterThanOrEqual(60);
    });

    it('records its lag, checkpoint age and batch spans while following live events', async () => {
      const store = await logOf(1);
      const projectionStore = new InMemoryProjectionStore();
      const runner = createProjectionRunner({ store, projection: ordersReceived, projectionStore, flushAfterMs: 0 });
      let caughtUp!: () => void;
      const ready = new Promise<void>((resolve) => (caughtUp = resolve));
      const running = runner.run({ onCaughtUp: caughtUp });
      await ready;
      await telemetry.reset();
      const appended = await createDepartment({ store }).handleUntrusted(receive('RO-2'));
      if (E.isLeft(appended)) throw new Error(appended.left.message);
      const savedAt = async () => {
        const loaded = await projectionStore.load(ordersReceived.name);
        return E.isRight(loaded) ? loaded.right?.position : undefined;
      };
      while ((await savedAt()) !== 2n) await new Promise((resolve) => setTimeout(resolve, 5));
      // Stopping waits for the save under way, and so for what it records.
      await runner.stop();
      expect(E.isRight(await running)).toBe(true);

      const seen = await snapshot();
      expect(seen['orders-received']?.lag).toBe(0);
      expect(seen['orders-received']?.age).toBeGreaterThanOrEqual(60);
      const live = named('project batch');
      expect(live.map((span) => [span.attributes['aftersales.projection.first_position'], span.attributes['aftersales.projection.last_position']])).toEqual([['2', '2']]);
      expect(live[0]!.links.map((link) => link.context.spanId)).toEqual([named('append')[0]!.spanContext().spanId]);
    });
  });
});
