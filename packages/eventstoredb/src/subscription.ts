import type { AllStreamSubscription } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent, Subscription } from '@aftersales/core';
import { StoreFailure, matchesFilter } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { decodeEvent, isSystemEvent } from './codec.js';
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

type Open = (after: bigint | undefined) => { readonly subscription: AllStreamSubscription; readonly items: AsyncIterable<SubscriptionItem> };

/**
 * A catch-up subscription to `$all` that survives the connection: when the server goes away it
 * subscribes again, with exponential backoff, strictly after the last event it received. Events are
 * handed over in order and only once, since the position only moves when an event is taken.
 */
export const resubscribingSubscription = (
  open: Open,
  options: { readonly after?: bigint; readonly filter?: EventFilter } & ResubscribeOptions,
): Subscription => {
  const initialDelay = options.initialDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 5_000;
  let position = options.after;
  let closed = false;
  let current: AllStreamSubscription | undefined;
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
            if (isSystemEvent(event)) {
              position = eventPosition;
              continue;
            }
            const decoded = decodeEvent(event);
            if (E.isLeft(decoded)) throw new StoreFailure(decoded.left);
            position = eventPosition;
            if (!matchesFilter(options.filter, decoded.right.streamId, decoded.right.type)) continue;
            yield decoded.right;
          }
          if (closed) return;
          // The server ended the subscription without an error: treat it as a drop.
          failures += 1;
          options.onDrop?.(new Error('the subscription ended'), failures);
        } catch (thrown) {
          if (closed) return;
          if (thrown instanceof StoreFailure) throw thrown;
          if (!isWorthResubscribing(thrown)) throw new StoreFailure(toStoreError(thrown));
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
