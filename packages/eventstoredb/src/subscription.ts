import type { EventFilter, RecordedEvent, StoreError, Subscription } from '@aftersales/core';
import { StoreFailure } from '@aftersales/core';
import { matchesFilter } from '@aftersales/core/adapter-kit';
import * as E from 'fp-ts/lib/Either.js';
import type { WireEvent, WireSubscription } from './client.js';
import type { SubscriptionItem } from './client-subscription.js';
import { isCaughtUpMarker } from './client-subscription.js';
import { isWorthResubscribing, toStoreError } from './errors.js';
import { toGlobalPosition } from './position.js';

export interface ResubscribeOptions {
  /** Wait before the first attempt to resubscribe (default 100 ms); it doubles after each failure. */
  readonly initialDelayMs?: number;
  /** The longest wait between attempts (default 5 000 ms). */
  readonly maxDelayMs?: number;
  /** Told of every drop, for logs; the subscription carries on by itself. */
  readonly onDrop?: (error: unknown, attempt: number) => void;
}

type Open = (after: bigint | undefined) => { readonly subscription: WireSubscription; readonly items: AsyncIterable<SubscriptionItem> };

/** How the store takes an event of `$all`: decoded, passed over (undefined), or a failure. */
export type TakeEvent = (event: WireEvent) => E.Either<StoreError, RecordedEvent | undefined>;

/**
 * A catch-up subscription to `$all` that survives the connection: when the server goes away it
 * subscribes again, with exponential backoff, strictly after the last event it received. Events are
 * handed over in order and only once, since the position only moves when an event is taken.
 */
export const resubscribingSubscription = (
  open: Open,
  take: TakeEvent,
  options: { readonly after?: bigint; readonly filter?: EventFilter; readonly ready?: () => Promise<StoreError | undefined> } & ResubscribeOptions,
): Subscription => {
  const initialDelay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  let position = options.after;
  let closed = false;
  let current: WireSubscription | undefined;
  let wakeFromBackoff: (() => void) | undefined;
  let resolveCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    resolveCaughtUp = resolve;
  });

  const backoff = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wakeFromBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function* iterate(): AsyncGenerator<RecordedEvent> {
    let failures = 0;
    try {
      const refused = await options.ready?.();
      if (refused !== undefined) throw new StoreFailure(refused);
      while (!closed) {
        const { subscription, items } = open(position);
        current = subscription;
        subscription.once('confirmation', () => {
          failures = 0;
        });
        try {
          for await (const item of items) {
            if (closed) return;
            if (isCaughtUpMarker(item)) {
              resolveCaughtUp();
              continue;
            }
            const event = item.event;
            if (event?.position === undefined) continue;
            failures = 0;
            const eventPosition = toGlobalPosition(event.position);
            if (position !== undefined && eventPosition <= position) continue;
            const taken = take(event);
            if (E.isLeft(taken)) throw new StoreFailure(taken.left);
            position = eventPosition;
            if (taken.right === undefined || !matchesFilter(options.filter, taken.right.streamId, taken.right.type)) continue;
            yield taken.right;
          }
          if (closed) return;
          // The server ended the subscription without an error: treat it as a drop.
          failures += 1;
          options.onDrop?.(new Error('the subscription ended'), failures);
        } catch (thrown) {
          if (closed) return;
          if (thrown instanceof StoreFailure) throw thrown;
          if (!isWorthResubscribing(thrown)) throw new StoreFailure(toStoreError(thrown, '$all'));
          failures += 1;
          options.onDrop?.(thrown, failures);
        } finally {
          current = undefined;
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (closed) return;
        await backoff(Math.min(maxDelay, initialDelay * 2 ** Math.min(failures - 1, 30)));
      }
    } finally {
      resolveCaughtUp();
    }
  }

  const iterator = iterate();
  return {
    caughtUp,
    [Symbol.asyncIterator]: () => iterator,
    close: async () => {
      if (closed) return;
      closed = true;
      wakeFromBackoff?.();
      const open = current;
      if (open !== undefined) {
        await open.unsubscribe().catch(() => undefined);
        // Ends an iteration that is waiting for the next event, so that `return` does not wait for one.
        open.destroy();
      }
      await iterator.return(undefined);
    },
  };
};
