import { describe, expect, it } from 'vitest';
import type { StreamHead } from './cache.js';
import { streamCache } from './cache.js';

const head = (revision: number): StreamHead => ({
  state: { revision },
  revision,
  hash: `hash-${revision}`,
  lastAt: undefined,
  commandIds: new Set([`command-${revision}`]),
  beforeSnapshot: undefined,
  refusals: new Map(),
});

/** A cache of 10 after 30 streams, Stream-0 used again after each of the others. */
const usedAlong = () => {
  const cache = streamCache(10);
  cache.remember('Stream-0', head(0));
  for (let index = 1; index < 30; index += 1) {
    cache.remember(`Stream-${index}`, head(index));
    expect(cache.lookup('Stream-0', 'a new command')).toEqual(head(0));
  }
  return cache;
};

describe('the stream cache', () => {
  it('keeps at most its capacity, at least the half most recently used, and a head used again survives', () => {
    // A lookup changes what is kept, so each stream is looked for in a cache of its own.
    for (const recent of [0, 26, 27, 28, 29]) expect(usedAlong().lookup(`Stream-${recent}`, 'a new command')).toEqual(head(recent));
    const cache = usedAlong();
    const found = Array.from({ length: 30 }, (_, index) => cache.lookup(`Stream-${index}`, 'a new command')).filter((entry) => entry !== undefined);
    expect(found.length).toBeLessThanOrEqual(10);
  });

  it('answers nothing for a command id the head already holds, forgets a stream, and keeps nothing at capacity 0', () => {
    const cache = streamCache(4);
    cache.remember('Stream-1', head(1));
    expect(cache.lookup('Stream-1', 'command-1')).toBeUndefined();
    cache.forget('Stream-1');
    expect(cache.lookup('Stream-1', 'a new command')).toBeUndefined();
    const none = streamCache(0);
    none.remember('Stream-1', head(1));
    expect(none.lookup('Stream-1', 'a new command')).toBeUndefined();
  });
});
