import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KeyStore } from '../personal-data.js';

const right = <A>(result: E.Either<{ readonly message: string }, A>): A => {
  if (E.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

/**
 * What every key store must do for crypto-shredding to hold, run unchanged against each
 * implementation: one key per subject, destroyed for good by an erasure, a tombstone left so that
 * "erased" reads differently from "never known", and a new key for a subject that comes back.
 */
export const describeKeyStoreContract = (
  name: string,
  open: () => Promise<{ readonly keyStore: KeyStore; readonly cleanup: () => Promise<void> | void }>,
) => {
  describe(`${name} keeps the key-store contract`, () => {
    let keyStore: KeyStore;
    let cleanup: () => Promise<void> | void;
    beforeEach(async () => {
      ({ keyStore, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('gives a subject one 256-bit key under a random id, and another subject another', async () => {
      const first = right(await keyStore.activeKey('subject-a'));
      expect(first.key).toHaveLength(32);
      expect(first.keyId).toMatch(/^k-[0-9a-f]{32}$/);
      expect(right(await keyStore.activeKey('subject-a'))).toEqual(first);
      expect(right(await keyStore.activeKey('subject-b')).keyId).not.toBe(first.keyId);
      expect(right(await keyStore.key(first.keyId))).toEqual({ status: 'active', key: first.key });
    });

    it('destroys every key of an erased subject and leaves a tombstone, others untouched', async () => {
      const erasedKey = right(await keyStore.activeKey('subject-a'));
      const kept = right(await keyStore.activeKey('subject-b'));
      expect(right(await keyStore.eraseSubject('subject-a', '2026-04-01T00:00:00Z'))).toEqual([erasedKey.keyId]);
      expect(right(await keyStore.key(erasedKey.keyId))).toEqual({ status: 'erased', erasedAt: '2026-04-01T00:00:00Z' });
      expect(right(await keyStore.key(kept.keyId))).toEqual({ status: 'active', key: kept.key });
      expect(right(await keyStore.eraseSubject('subject-a', '2026-04-02T00:00:00Z'))).toEqual([]);
      expect(right(await keyStore.key('k-never-issued'))).toEqual({ status: 'unknown' });
    });

    it('gives a returning subject a new key, and erases one key by its id', async () => {
      const before = right(await keyStore.activeKey('subject-a'));
      right(await keyStore.eraseSubject('subject-a', '2026-04-01T00:00:00Z'));
      const after = right(await keyStore.activeKey('subject-a'));
      expect(after.keyId).not.toBe(before.keyId);
      expect(right(await keyStore.eraseKey(after.keyId, '2026-05-01T00:00:00Z'))).toBe(true);
      expect(right(await keyStore.eraseKey(after.keyId, '2026-05-01T00:00:00Z'))).toBe(false);
      expect(right(await keyStore.key(after.keyId))).toMatchObject({ status: 'erased' });
    });

    it('keeps one pseudonym secret of at least 256 bits', async () => {
      const secret = right(await keyStore.pseudonymSecret());
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(Buffer.from(right(await keyStore.pseudonymSecret()))).toEqual(Buffer.from(secret));
    });
  });
};
