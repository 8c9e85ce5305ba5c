import * as E from 'fp-ts/lib/Either.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ReadAllOptions,
  ReadStreamOptions,
  SubscribeOptions,
  Subscription,
} from '../event-store.js';
import { logHeadOf } from '../event-store.js';
import type { StoreError } from '../errors.js';
import { StoreFailure, storeUnavailable } from '../errors.js';
import type { EventToAppend, RecordedEvent } from '../messages.js';

/**
 * What can go wrong between a caller and its store:
 * - `failBeforeAppend`: the append never reaches the store; nothing is stored;
 * - `failAfterAppend`: the store commits, but the answer is lost: the caller sees `StoreUnavailable`
 *   although the events are stored;
 * - `timeoutAppend`: the caller gives up waiting and sees `StoreUnavailable`; the append reaches the
 *   store later, after whatever the caller does next (it may commit, or lose to a retry);
 * - `delayAppend`, `delayRead`: the store answers, late;
 * - `failRead`: a read of a stream or of `$all` breaks off part way with `StoreUnavailable`;
 * - `dropSubscription`: a live subscription breaks off part way with `StoreUnavailable`.
 */
export type FaultKind =
  | 'failBeforeAppend'
  | 'failAfterAppend'
  | 'timeoutAppend'
  | 'delayAppend'
  | 'failRead'
  | 'delayRead'
  | 'dropSubscription';

export const FAULT_KINDS: readonly FaultKind[] = [
  'failBeforeAppend',
  'failAfterAppend',
  'timeoutAppend',
  'delayAppend',
  'failRead',
  'delayRead',
  'dropSubscription',
];

const APPEND_FAULTS: readonly FaultKind[] = ['failBeforeAppend', 'failAfterAppend', 'timeoutAppend', 'delayAppend'];
const READ_FAULTS: readonly FaultKind[] = ['failRead', 'delayRead'];
const SUBSCRIPTION_FAULTS: readonly FaultKind[] = ['dropSubscription'];

/** The probability, per operation of the kind concerned, that the fault strikes it. */
export type FaultRates = Partial<Readonly<Record<FaultKind, number>>>;

export type StoreOperation =
  | { readonly kind: 'append'; readonly streamId: string }
  | { readonly kind: 'readStream'; readonly streamId: string }
  | { readonly kind: 'readAll' }
  | { readonly kind: 'subscribe' };

/** One injected fault, as the store remembers it: which operation, which fault, in which order. */
export interface InjectedFault {
  readonly sequence: number;
  readonly fault: FaultKind;
  readonly operation: StoreOperation;
}

export interface FaultyStoreOptions {
  /** The same seed, rates (or plan) and sequence of operations give the same faults. */
  readonly seed: number;
  readonly rates?: FaultRates;
  /**
   * A schedule written out instead of drawn: the fault for the n-th operation (from 1), if any. A
   * fault that does not fit the operation (a dropped subscription for an append) is ignored.
   */
  readonly plan?: (operation: StoreOperation, sequence: number) => FaultKind | undefined;
  /** The longest delay, and the longest time a timed-out append is still on its way (default 5 ms). */
  readonly maxDelayMs?: number;
  /** How many events a broken read or subscription delivers at most before it breaks (default 5). */
  readonly maxEventsBeforeBreak?: number;
}

/** A small seeded generator (mulberry32): deterministic, and good enough to pick faults. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Decision {
  readonly fault: FaultKind | undefined;
  readonly delayMs: number;
  readonly breakAfter: number;
  readonly sequence: number;
}

/**
 * An event store that wraps another and injects faults on a seeded schedule: appends that fail before
 * or after they commit, time out or are late; reads and subscriptions that break off. Every fault is
 * a typed `StoreUnavailable` (a `Left` from an append, a thrown `StoreFailure` from an iterable), as a
 * real adapter reports it. `injected` counts what was injected; `settled()` waits for timed-out
 * appends still on their way.
 */
export class FaultyEventStore implements EventStore {
  private readonly random: () => number;
  private readonly maxDelayMs: number;
  private readonly maxEventsBeforeBreak: number;
  private readonly inFlight = new Set<Promise<unknown>>();
  private sequence = 0;
  private active = true;
  readonly log: InjectedFault[] = [];
  declare readonly headPosition?: NonNullable<EventStore['headPosition']>;
  declare readonly positionsBetween?: NonNullable<EventStore['positionsBetween']>;

  constructor(
    readonly inner: EventStore,
    private readonly options: FaultyStoreOptions,
  ) {
    Object.assign(this, logHeadOf(inner));
    this.random = seededRandom(options.seed);
    this.maxDelayMs = options.maxDelayMs ?? 5;
    this.maxEventsBeforeBreak = options.maxEventsBeforeBreak ?? 5;
  }

  /** How many faults of each kind were injected so far. */
  get injected(): Readonly<Record<FaultKind, number>> {
    const counts = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>;
    for (const { fault } of this.log) counts[fault] += 1;
    return counts;
  }

  get injectedTotal(): number {
    return this.log.length;
  }

  /** Stops (or resumes) injecting faults, e.g. to read the final state through the same store. */
  setFaults(active: boolean): void {
    this.active = active;
  }

  /** Resolves once every timed-out append has reached the inner store (or failed there). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions,
  ): Promise<E.Either<StoreError, AppendResult>> {
    const operation: StoreOperation = { kind: 'append', streamId };
    const { fault, delayMs, sequence } = this.decide(operation, APPEND_FAULTS);
    switch (fault) {
      case 'failBeforeAppend':
        this.record(fault, operation, sequence);
        return E.left(storeUnavailable(`append to ${streamId}: connection refused (injected before the store was reached)`));
      case 'failAfterAppend': {
        const result = await this.inner.appendToStream(streamId, events, options);
        // A failure the store itself reported reaches the caller as it is; only a success is lost.
        if (E.isLeft(result)) return result;
        this.record(fault, operation, sequence);
        return E.left(storeUnavailable(`append to ${streamId}: connection lost before the answer arrived (injected after the commit)`));
      }
      case 'timeoutAppend': {
        this.record(fault, operation, sequence);
        const late = sleep(delayMs).then(() => this.inner.appendToStream(streamId, events, options));
        this.inFlight.add(late);
        void late.finally(() => this.inFlight.delete(late));
        return E.left(storeUnavailable(`append to ${streamId}: no answer in time (injected timeout; the append is still on its way)`));
      }
      case 'delayAppend':
        this.record(fault, operation, sequence);
        await sleep(delayMs);
        return this.inner.appendToStream(streamId, events, options);
      default:
        return this.inner.appendToStream(streamId, events, options);
    }
  }

  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.faultyRead({ kind: 'readStream', streamId }, () => this.inner.readStream(streamId, options));
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.faultyRead({ kind: 'readAll' }, () => this.inner.readAll(options));
  }

  subscribeToAll(options?: SubscribeOptions): Subscription {
    const inner = this.inner.subscribeToAll(options);
    const operation: StoreOperation = { kind: 'subscribe' };
    const { fault, breakAfter, sequence } = this.decide(operation, SUBSCRIPTION_FAULTS);
    if (fault === undefined) return inner;
    const record = () => this.record(fault, operation, sequence);
    async function* iterate(): AsyncGenerator<RecordedEvent> {
      let delivered = 0;
      try {
        for await (const event of inner) {
          if (delivered >= breakAfter) {
            record();
            throw new StoreFailure(storeUnavailable(`subscription to $all dropped after ${delivered} event(s) (injected)`));
          }
          delivered += 1;
          yield event;
        }
      } finally {
        await inner.close();
      }
    }
    const iterator = iterate();
    return {
      caughtUp: inner.caughtUp,
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        await inner.close();
        await iterator.return(undefined);
      },
    };
  }

  async close(): Promise<void> {
    await this.settled();
    await this.inner.close();
  }

  private faultyRead(operation: StoreOperation, open: () => AsyncIterable<RecordedEvent>): AsyncIterable<RecordedEvent> {
    const decide = () => this.decide(operation, READ_FAULTS);
    const record = (fault: FaultKind, sequence: number) => this.record(fault, operation, sequence);
    return {
      async *[Symbol.asyncIterator]() {
        const { fault, delayMs, breakAfter, sequence } = decide();
        if (fault === 'delayRead') {
          record(fault, sequence);
          await sleep(delayMs);
        }
        let delivered = 0;
        for await (const event of open()) {
          if (fault === 'failRead' && delivered >= breakAfter) break;
          delivered += 1;
          yield event;
        }
        // A read shorter than the break point breaks at its end, so that every decided fault strikes.
        if (fault === 'failRead') {
          record(fault, sequence);
          const what = operation.kind === 'readStream' ? `reading ${operation.streamId}` : 'reading $all';
          throw new StoreFailure(storeUnavailable(`${what}: connection lost after ${delivered} event(s) (injected)`));
        }
      },
    };
  }

  private decide(operation: StoreOperation, candidates: readonly FaultKind[]): Decision {
    // Every operation draws the same numbers whether or not faults are active, so pausing them
    // does not shift the schedule of the operations after.
    const roll = this.random();
    const delayMs = Math.floor(this.random() * (this.maxDelayMs + 1));
    const breakAfter = Math.floor(this.random() * (this.maxEventsBeforeBreak + 1));
    this.sequence += 1;
    const sequence = this.sequence;
    if (!this.active) return { fault: undefined, delayMs, breakAfter, sequence };
    if (this.options.plan !== undefined) {
      const planned = this.options.plan(operation, sequence);
      return { fault: planned !== undefined && candidates.includes(planned) ? planned : undefined, delayMs, breakAfter, sequence };
    }
    let threshold = 0;
    for (const kind of candidates) {
      threshold += this.options.rates?.[kind] ?? 0;
      if (roll < threshold) return { fault: kind, delayMs, breakAfter, sequence };
    }
    return { fault: undefined, delayMs, breakAfter, sequence };
  }

  private record(fault: FaultKind, operation: StoreOperation, sequence: number): void {
    this.log.push({ sequence, fault, operation });
  }
}
