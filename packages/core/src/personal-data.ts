import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { EventTransform } from './event-pipeline.js';
import type { DomainError } from './errors.js';
import { StoreFailure, corruptedEvent, storeUnavailable } from './errors.js';
import type { EventToAppend, RecordedEvent } from './messages.js';

/** What an erased field reads as, once its key is destroyed. */
export const ERASED = '[erased]';
/** What a field reads as when the key store has never heard of its key (e.g. a log imported without its keys). */
export const KEY_UNAVAILABLE = '[key unavailable]';

export type KeyStoreError = DomainError<'KeyStoreUnavailable'>;

export const keyStoreUnavailable = (message: string): KeyStoreError => ({ code: 'KeyStoreUnavailable', message });

export type KeyLookup =
  | { readonly status: 'active'; readonly key: Uint8Array }
  | { readonly status: 'erased'; readonly erasedAt: string }
  | { readonly status: 'unknown' };

/**
 * Holds one AES-256 key per data subject (a customer). A subject is named by a pseudonym (see
 * `subjectPseudonym`), never by personal data, and its key by a random key id that events carry.
 * Erasing a subject destroys its keys and keeps only a tombstone, so reads can tell "erased" from
 * "never known".
 */
export interface KeyStore {
  /** The subject's current key, created on first use (and anew after an erasure). */
  activeKey(subject: string): Promise<E.Either<KeyStoreError, { readonly keyId: string; readonly key: Uint8Array }>>;
  key(keyId: string): Promise<E.Either<KeyStoreError, KeyLookup>>;
  /** Destroys every key of the subject; returns the key ids destroyed (none when unknown or already erased). */
  eraseSubject(subject: string, erasedAt: string): Promise<E.Either<KeyStoreError, readonly string[]>>;
  /** Destroys one key by its id, as an auditor sees it in the raw log. */
  eraseKey(keyId: string, erasedAt: string): Promise<E.Either<KeyStoreError, boolean>>;
  /** The secret that turns identifiers into pseudonyms; created once per key store. */
  pseudonymSecret(): Promise<E.Either<KeyStoreError, Uint8Array>>;
}

/**
 * The pseudonym of a subject identifier (e.g. `phone:13800000000`): HMAC-SHA256 with the key
 * store's secret. Without the secret a pseudonym cannot be turned back into the phone number it
 * came from, even by trying every number.
 */
export const subjectPseudonym = (secret: Uint8Array, identifier: string): string =>
  createHmac('sha256', secret).update(identifier).digest('hex');

export const newKeyId = (): string => `k-${randomBytes(16).toString('hex')}`;

/** A key store in memory: for tests and examples; keys die with the process. */
export class InMemoryKeyStore implements KeyStore {
  private readonly keys = new Map<string, { subject: string; key: Buffer | undefined; erasedAt?: string }>();
  private readonly active = new Map<string, string>();
  private readonly secret: Buffer;

  constructor(secret: Uint8Array = randomBytes(32)) {
    this.secret = Buffer.from(secret);
  }

  async activeKey(subject: string): Promise<E.Either<KeyStoreError, { readonly keyId: string; readonly key: Uint8Array }>> {
    const keyId = this.active.get(subject);
    const existing = keyId === undefined ? undefined : this.keys.get(keyId);
    if (keyId !== undefined && existing?.key !== undefined) return E.right({ keyId, key: existing.key });
    const created = { keyId: newKeyId(), key: randomBytes(32) };
    this.keys.set(created.keyId, { subject, key: created.key });
    this.active.set(subject, created.keyId);
    return E.right(created);
  }

  async key(keyId: string): Promise<E.Either<KeyStoreError, KeyLookup>> {
    const entry = this.keys.get(keyId);
    if (entry === undefined) return E.right({ status: 'unknown' });
    if (entry.key === undefined) return E.right({ status: 'erased', erasedAt: entry.erasedAt ?? '' });
    return E.right({ status: 'active', key: entry.key });
  }

  async eraseSubject(subject: string, erasedAt: string): Promise<E.Either<KeyStoreError, readonly string[]>> {
    const erased: string[] = [];
    for (const [keyId, entry] of this.keys) {
      if (entry.subject !== subject || entry.key === undefined) continue;
      entry.key.fill(0);
      this.keys.set(keyId, { subject: '', key: undefined, erasedAt });
      erased.push(keyId);
    }
    this.active.delete(subject);
    return E.right(erased);
  }

  async eraseKey(keyId: string, erasedAt: string): Promise<E.Either<KeyStoreError, boolean>> {
    const entry = this.keys.get(keyId);
    if (entry?.key === undefined) return E.right(false);
    entry.key.fill(0);
    if (this.active.get(entry.subject) === keyId) this.active.delete(entry.subject);
    this.keys.set(keyId, { subject: '', key: undefined, erasedAt });
    return E.right(true);
  }

  async pseudonymSecret(): Promise<E.Either<KeyStoreError, Uint8Array>> {
    return E.right(this.secret);
  }
}

/** A field encrypted in place: AES-256-GCM, a fresh 96-bit IV per field, base64url throughout. */
export const EncryptedField = z.strictObject({
  encrypted: z.strictObject({
    algorithm: z.literal('AES-256-GCM'),
    keyId: z.string().min(1).max(100),
    iv: z.string().min(1),
    tag: z.string().min(1),
    ciphertext: z.string(),
  }),
});
export type EncryptedField = z.infer<typeof EncryptedField>;

/**
 * Which fields of which events hold personal data, and whose data it is. `subject` names the data
 * subject from the event's data (before encryption), e.g. `phone:13800000000`; undefined means the
 * event carries no personal data to protect.
 */
export interface PersonalDataRule {
  readonly eventType: string;
  /** Dotted paths into the event's data, e.g. `customer.name`. */
  readonly fields: readonly string[];
  readonly subject: (data: unknown) => string | undefined;
}

export interface PersonalDataPolicy {
  readonly rules: readonly PersonalDataRule[];
}

const getPath = (value: unknown, path: readonly string[]): unknown => {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
};

const setPath = (value: unknown, path: readonly string[], replacement: unknown): unknown => {
  if (path.length === 0) return replacement;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const [key, ...rest] = path as [string, ...string[]];
  if (!Object.hasOwn(value, key)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [key]: setPath(record[key], rest, replacement) };
};

/** Binds a ciphertext to its place, so it cannot be moved to another event or field and still decrypt. */
const associatedData = (streamId: string, eventId: string, field: string): Buffer =>
  Buffer.from(`${streamId}\u0000${eventId}\u0000${field}`, 'utf8');

export const encryptField = (key: Uint8Array, keyId: string, aad: Buffer, value: unknown): EncryptedField => {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return {
    encrypted: {
      algorithm: 'AES-256-GCM',
      keyId,
      iv: iv.toString('base64url'),
      tag: cipher.getAuthTag().toString('base64url'),
      ciphertext: ciphertext.toString('base64url'),
    },
  };
};

export const decryptField = (key: Uint8Array, aad: Buffer, field: EncryptedField): E.Either<string, unknown> => {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(field.encrypted.iv, 'base64url'));
    decipher.setAAD(aad);
    decipher.setAuthTag(Buffer.from(field.encrypted.tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(field.encrypted.ciphertext, 'base64url')), decipher.final()]);
    return E.right(JSON.parse(plain.toString('utf8')));
  } catch (thrown) {
    return E.left(thrown instanceof Error ? thrown.message : String(thrown));
  }
};

const orThrow = <A>(result: E.Either<KeyStoreError, A>): A => {
  if (E.isLeft(result)) throw new StoreFailure(storeUnavailable(result.left.message, result.left));
  return result.right;
};

/**
 * Crypto-shredding as an event transform: on the way in, each personal field named by the policy is
 * replaced by its ciphertext under the subject's key; on the way out it is decrypted, or reads as
 * `[erased]` once the key is destroyed. The hash chain is computed over the ciphertext, so destroying
 * a key changes no stored byte and verification still passes. Encoding an already encrypted field
 * and decoding a plaintext one leave them as they are, so the transform may run twice safely.
 */
export const createPersonalDataTransform = (keyStore: KeyStore, policy: PersonalDataPolicy): EventTransform => {
  const rules = new Map<string, PersonalDataRule>();
  for (const rule of policy.rules) rules.set(rule.eventType, rule);
  let secret: Uint8Array | undefined;
  const pseudonymSecret = async () => {
    secret ??= orThrow(await keyStore.pseudonymSecret());
    return secret;
  };

  return {
    encode: async (streamId: string, event: EventToAppend): Promise<EventToAppend> => {
      const rule = rules.get(event.type);
      if (rule === undefined) return event;
      const plainFields = rule.fields.filter((field) => {
        const value = getPath(event.data, field.split('.'));
        return value !== undefined && !EncryptedField.safeParse(value).success;
      });
      if (plainFields.length === 0) return event;
      const identifier = rule.subject(event.data);
      if (identifier === undefined) return event;
      const subject = subjectPseudonym(await pseudonymSecret(), identifier);
      const { keyId, key } = orThrow(await keyStore.activeKey(subject));
      let data = event.data;
      for (const field of plainFields) {
        const path = field.split('.');
        data = setPath(data, path, encryptField(key, keyId, associatedData(streamId, event.eventId, field), getPath(data, path)));
      }
      return { ...event, data };
    },

    decode: async (event: RecordedEvent): Promise<RecordedEvent> => {
      const rule = rules.get(event.type);
      if (rule === undefined) return event;
      let data = event.data;
      for (const field of rule.fields) {
        const path = field.split('.');
        const parsed = EncryptedField.safeParse(getPath(data, path));
        if (!parsed.success) continue;
        const lookup = orThrow(await keyStore.key(parsed.data.encrypted.keyId));
        if (lookup.status !== 'active') {
          data = setPath(data, path, lookup.status === 'erased' ? ERASED : KEY_UNAVAILABLE);
          continue;
        }
        const plain = decryptField(lookup.key, associatedData(event.streamId, event.eventId, field), parsed.data);
        if (E.isLeft(plain)) {
          throw new StoreFailure(corruptedEvent(event.streamId, event.revision, `${field} does not decrypt with key ${parsed.data.encrypted.keyId} (${plain.left})`));
        }
        data = setPath(data, path, plain.right);
      }
      return data === event.data ? event : { ...event, data };
    },
  };
};
