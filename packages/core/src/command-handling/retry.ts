import * as E from 'fp-ts/lib/Either.js';
import type { StoreError } from '../errors.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a store call again, with a growing pause, while the store answers `StoreUnavailable`, at most
 * `retries` more times. Safe for appends, as event ids are deterministic: a retry of an append that
 * did land is recognized by the store.
 */
export const retryWhileUnavailable = async <A>(
  retries: number,
  call: () => Promise<E.Either<StoreError, A>>,
): Promise<E.Either<StoreError, A>> => {
  for (let attempt = 0; ; attempt += 1) {
    const result = await call();
    if (E.isRight(result) || result.left.code !== 'StoreUnavailable' || attempt >= retries) return result;
    await sleep(25 * 2 ** attempt);
  }
};
