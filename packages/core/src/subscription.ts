import type { EventFilter, ReadAllOptions, Subscription } from './event-store.js';
import type { RecordedEvent } from './messages.js';

export interface CatchUpSource {
  readAll(options: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /**
   * Resolves when new events may have been stored, or when `signal` aborts. A store that is only
   * written in this process resolves on its own appends; one shared with other processes also
   * resolves after a polling interval.
   */
  waitForChange(signal: AbortSignal): Promise<void>;
}

/**
 * A catch-up subscription over any store that can read `$all` after a position: it pages through
 * history, reports `caughtUp`, then waits for changes and reads again. Position-keyed, so a change
 * signal that races an append can never lose or repeat an event.
 */
export const catchUpSubscription = (
  source: CatchUpSource,
  options: { readonly after?: bigint; readonly filter?: EventFilter; readonly pageSize?: number },
): Subscription => {
  const controller = new AbortController();
  let resolveCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    resolveCaughtUp = resolve;
  });
  const pageSize = options.pageSize ?? 1000;
  let position = options.after;

  async function* iterate(): AsyncGenerator<RecordedEvent> {
    // Once live, the change signal is asked for before each read, so that an append landing between
    // the end of a read and the wait still wakes it: a change seen only after reading is never lost.
    let changed: Promise<void> | undefined;
    try {
      while (!controller.signal.aborted) {
        let delivered = 0;
        const readOptions: ReadAllOptions =
          position === undefined
            ? { maxCount: pageSize, ...(options.filter ? { filter: options.filter } : {}) }
            : { after: position, maxCount: pageSize, ...(options.filter ? { filter: options.filter } : {}) };
        let lastSeen: bigint | undefined;
        // Filtered reads may skip events; progress is tracked by what the store returned.
        for await (const event of source.readAll(readOptions)) {
          if (controller.signal.aborted) return;
          lastSeen = event.globalPosition;
          delivered += 1;
          position = event.globalPosition;
          yield event;
        }
        if (delivered < pageSize || lastSeen === undefined) {
          resolveCaughtUp();
          if (controller.signal.aborted) return;
          if (changed === undefined) {
            changed = source.waitForChange(controller.signal);
            continue;
          }
          await changed;
          changed = undefined;
        }
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
      controller.abort();
      await iterator.return(undefined);
    },
  };
};
