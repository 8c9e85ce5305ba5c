import type { StoreError } from '@aftersales/core';
import { corruptedEvent, storeUnavailable } from '@aftersales/core';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AnyClient, StreamsClient } from './client.js';
import { toStreamsClient } from './client.js';
import { appendRecord, readLastRecord } from './stream-io.js';

/**
 * The stream of a log's settings: facts it keeps about itself beside its events, such as the id of
 * the key store it is bound to or an import under way. Not a `$` stream (an ordinary user may write
 * it); the adapter's readers of `$all` leave it out, so it is never taken for an event of the log.
 */
export const SETTINGS_STREAM = 'aftersales-settings';

const SETTINGS_SAVED = 'StoreSettingsSaved';
const Saved = z.object({ settings: z.record(z.string(), z.string()) });

/** Attempts of one change while other writers keep changing the settings. */
const CHANGE_ATTEMPTS = 5;

export interface EventStoreDBStoreSettingsOptions {
  /** Deadline of each write (default 5 000 ms). */
  readonly deadlineMs?: number;
}

interface Saved {
  readonly revision: bigint | undefined;
  readonly settings: ReadonlyMap<string, string>;
}

/**
 * Named settings of a log on EventStoreDB, each a string. Every change appends the whole set to
 * `aftersales-settings` at the revision it read, on the leader, so two processes changing them at
 * once never lose one another's change, and `claim` has one winner.
 */
export class EventStoreDBStoreSettings {
  private readonly client: StreamsClient;
  private readonly deadlineMs: number;

  constructor(client: AnyClient, options: EventStoreDBStoreSettingsOptions = {}) {
    this.client = toStreamsClient(client);
    this.deadlineMs = options.deadlineMs ?? 5_000;
  }

  async get(name: string): Promise<E.Either<StoreError, string | undefined>> {
    const saved = await this.read();
    return E.isLeft(saved) ? saved : E.right(saved.right.settings.get(name));
  }

  /** Stores `value` unless the setting has a value already; returns the value now stored. */
  async claim(name: string, value: string): Promise<E.Either<StoreError, string>> {
    const stored = await this.change(name, (current) => current ?? value);
    return E.isLeft(stored) ? stored : E.right(stored.right ?? value);
  }

  /** Sets the setting, or removes it when `value` is undefined. */
  async set(name: string, value: string | undefined): Promise<E.Either<StoreError, void>> {
    const stored = await this.change(name, () => value);
    return E.isLeft(stored) ? stored : E.right(undefined);
  }

  private async change(name: string, next: (current: string | undefined) => string | undefined): Promise<E.Either<StoreError, string | undefined>> {
    for (let attempt = 1; attempt <= CHANGE_ATTEMPTS; attempt += 1) {
      const saved = await this.read();
      if (E.isLeft(saved)) return saved;
      const current = saved.right.settings.get(name);
      const wanted = next(current);
      if (wanted === current) return E.right(current);
      const settings = new Map(saved.right.settings);
      if (wanted === undefined) settings.delete(name);
      else settings.set(name, wanted);
      const written = await appendRecord(this.client, SETTINGS_STREAM, {
        type: SETTINGS_SAVED,
        data: { settings: Object.fromEntries(settings) },
        expectedRevision: saved.right.revision ?? 'no_stream',
        deadlineMs: this.deadlineMs,
      });
      if (E.isRight(written)) return E.right(wanted);
      if (written.left !== 'moved') return E.left(written.left);
    }
    return E.left(storeUnavailable(`setting ${name}: other processes kept changing the log's settings; ${CHANGE_ATTEMPTS} attempts made`));
  }

  private async read(): Promise<E.Either<StoreError, Saved>> {
    const last = await readLastRecord(this.client, SETTINGS_STREAM);
    if (E.isLeft(last)) return last;
    if (last.right === undefined) return E.right({ revision: undefined, settings: new Map() });
    const decoded = Saved.safeParse(last.right.data);
    if (last.right.type !== SETTINGS_SAVED || !decoded.success) {
      return E.left(corruptedEvent(SETTINGS_STREAM, Number(last.right.revision), "the log's settings do not decode"));
    }
    return E.right({ revision: last.right.revision, settings: new Map(Object.entries(decoded.data.settings)) });
  }
}
