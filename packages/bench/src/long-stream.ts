import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition, Command, DomainEvent, EventStore, EventToAppend } from '@aftersales/core';
import { deterministicEventId } from '@aftersales/core';
import { simulateYear } from '@aftersales/domain/simulation';
import { openDepartment, repairOrder, upcasting } from './department.js';
import { Stopwatch } from './stopwatch.js';
import { SEED } from './workload.js';

export const LONG_STREAM_EVENTS = 10_000;
const ORDER_ID = 'RO-BENCH-LONG';
export const LONG_STREAM_ID = `RepairOrder-${ORDER_ID}`;

const manager = { id: 'DM-01', role: 'DepartmentManager' };
const MINUTE = 60_000;
const start = Date.UTC(2026, 0, 5, 1);
const instant = (time: number): string => new Date(time).toISOString();

/**
 * A repair order received, confirmed, scheduled, then rescheduled again and again: a stream as long as
 * wanted whose state stays small, so the load measures reading and folding rather than the state's growth.
 */
// The bench drives the decider with commands it builds itself, so it holds it by the handler's loose type.
const { decider } = repairOrder as AnyAggregateDefinition;

const command = (index: number, type: string, data: unknown, actor = manager): Command => ({
  type,
  data,
  metadata: { commandId: `${ORDER_ID}/${index}`, actor, at: instant(start + index * MINUTE) },
});

/** The `index`-th command of the long stream past its first three: one more reschedule. */
export const longStreamCommand = (index: number): Command =>
  command(index, 'RescheduleRepair', { orderId: ORDER_ID, promisedBy: instant(start + (30 * 24 * 60 + index) * MINUTE), reason: 'awaiting material' });

function* repairOrderCommands(events: number): Generator<Command> {
  const received = [...simulateYear({ seed: SEED, orders: 1 })].find((command) => command.type === 'ReceiveRepairOrder');
  if (received === undefined) throw new Error('the simulation reported no repair order');
  const { data: receivedData, metadata } = received;
  yield command(1, 'ReceiveRepairOrder', { ...receivedData, orderId: ORDER_ID }, metadata.actor);
  yield command(2, 'ConfirmReceipt', { orderId: ORDER_ID });
  yield command(3, 'ScheduleRepair', { orderId: ORDER_ID, promisedBy: instant(start + 30 * 24 * 60 * MINUTE), specialistId: 'SP-01' });
  for (let index = 4; index <= events; index += 1) yield longStreamCommand(index);
}

/**
 * Writes the long stream straight to the store, deciding each command with the bare decider and
 * appending in batches of about 100 events: building it through the handler would reload it 10,000 times.
 * Returns the decided events, for the floor.
 */
export const writeLongStream = async (store: EventStore, events = LONG_STREAM_EVENTS): Promise<DomainEvent[]> => {
  let state = decider.initialState;
  const decided: DomainEvent[] = [];
  let batch: EventToAppend[] = [];
  let revision = -1;
  const flush = async () => {
    if (batch.length === 0) return;
    const appended = await store.appendToStream(LONG_STREAM_ID, batch, { expectedRevision: revision < 0 ? 'noStream' : revision });
    if (E.isLeft(appended)) throw new Error(`writing the long stream failed: ${appended.left.message}`);
    revision = appended.right.nextExpectedRevision;
    batch = [];
  };
  for (const command of repairOrderCommands(events)) {
    const decision = decider.decide(command, state);
    if (E.isLeft(decision)) throw new Error(`the long stream's ${command.type} was refused: ${decision.left.message}`);
    decision.right.forEach((event: DomainEvent, index: number) => {
      state = decider.evolve(state, event);
      decided.push(event);
      batch.push({
        eventId: deterministicEventId(LONG_STREAM_ID, command.metadata.commandId, index),
        type: event.type,
        data: event.data,
        metadata: {
          commandId: command.metadata.commandId,
          correlationId: command.metadata.commandId,
          causationId: command.metadata.commandId,
          actor: command.metadata.actor,
          occurredAt: command.metadata.at,
          schemaVersion: upcasting.currentVersion(event.type),
        },
      });
    });
    if (batch.length >= 100) await flush();
  }
  await flush();
  return decided;
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/** CPU milliseconds to load the long stream through the command handler (read, decode, upcast, fold): the median of a few loads. */
export const timeLongStreamLoad = async (store: EventStore, repeats = 3): Promise<number> => {
  const { handler } = openDepartment(store);
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const stopwatch = new Stopwatch();
    const loaded = await stopwatch.timeAsync(() => handler.load(repairOrder, LONG_STREAM_ID));
    times.push(stopwatch.seconds.cpu * 1000);
    if (E.isLeft(loaded)) throw new Error(`loading the long stream failed: ${loaded.left.message}`);
  }
  return median(times);
};

/** The floor of a load: the bare decider folding the same events, already decoded and in memory. */
export const timeLongStreamFold = (events: readonly DomainEvent[], repeats = 3): number => {
  const times: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const stopwatch = new Stopwatch();
    stopwatch.time(() => {
      let state = decider.initialState;
      for (const event of events) state = decider.evolve(state, event);
      return state;
    });
    times.push(stopwatch.seconds.cpu * 1000);
  }
  return median(times);
};
