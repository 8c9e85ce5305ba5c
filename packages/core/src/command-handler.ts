import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import type { AnyAggregateDefinition } from './aggregate.js';
import type { EventStore } from './event-store.js';
import type { DomainError, StoreError, ValidationIssue } from './errors.js';
import { businessTimeBackwards, corruptedEvent, idempotencyConflict, invalidCommand, isStoreFailure, storeUnavailable } from './errors.js';
import { canonicalJson } from './canonical-json.js';
import { commandEventId, deterministicEventId } from './event-ids.js';
import { sha256Hex } from './hash-chain.js';
import type { Command, DomainEvent, EventMetadataToAppend, EventToAppend, RecordedEvent } from './messages.js';
import type { Upcasting } from './upcasting.js';
import { createUpcasting } from './upcasting.js';

export interface CommandAccepted {
  readonly streamId: string;
  /** The events the command produced, as stored. */
  readonly events: readonly RecordedEvent[];
  /** The stream's revision after the command; -1 if the command produced no event on a new stream. */
  readonly nextExpectedRevision: number;
  /** True when this command id had already been handled: nothing new was appended. */
  readonly duplicate: boolean;
}

export interface RefusedCommand {
  readonly error: DomainError;
  /** The command as received (possibly malformed). */
  readonly command: unknown;
  readonly streamId?: string;
  /** Where the command was in the caller's input (e.g. `line 12`), for input read from a file. */
  readonly position?: string;
}

export interface CommandHandlerOptions {
  readonly store: EventStore;
  readonly upcasting?: Upcasting;
  /** How many times a command is re-decided after losing a race for its stream (default 5). */
  readonly maxConflictRetries?: number;
  /** How many times an append is retried after the store was unavailable (default 2); safe, as event ids are deterministic. */
  readonly maxUnavailableRetries?: number;
  /**
   * How many streams' folded state the handler remembers between commands (default 10,000; 0 for
   * none), so that a command on a stream it has just seen is decided without reading the stream
   * again. Over a store that decrypts as it reads (`withEventPipeline`), pass 0 if an aggregate's
   * state holds personal data, so that an erased customer's data is not remembered.
   */
  readonly cachedStreams?: number;
  /** Told of every refusal (validation, authorization, domain rule, store), e.g. to keep a security log. */
  readonly onRefused?: (refusal: RefusedCommand) => void | Promise<void>;
}

export interface LoadedAggregate<S> {
  readonly state: S;
  /** The stream's last revision, -1 when it does not exist yet. */
  readonly revision: number;
  readonly events: readonly RecordedEvent[];
}

export interface CommandHandler {
  /** Decodes, authorizes, loads, decides and appends one command for the given aggregate. */
  handle(definition: AnyAggregateDefinition, command: unknown): Promise<E.Either<DomainError, CommandAccepted>>;
  /** Loads and folds one stream: the state a command would be decided against. */
  load<S>(definition: AnyAggregateDefinition, streamId: string): Promise<E.Either<StoreError, LoadedAggregate<S>>>;
}

export const zodIssues = (error: z.ZodError): ValidationIssue[] =>
  error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));

export const decodeCommand = <C>(schema: z.ZodType<C>, raw: unknown): E.Either<DomainError, C> => {
  const parsed = schema.safeParse(raw);
  return parsed.success ? E.right(parsed.data) : E.left(invalidCommand(zodIssues(parsed.error)));
};

/**
 * Reads an event back into the decider's shape: upcast, decode. Decryption, where personal data is
 * encrypted, happens in the store's event pipeline (`withEventPipeline`) before this.
 */
export const decodeRecordedEvent = (
  definition: Pick<AnyAggregateDefinition, 'eventSchema'>,
  upcasting: Upcasting,
  recorded: RecordedEvent,
): E.Either<StoreError, DomainEvent> => {
  if (recorded.metadata.undecodable !== undefined) return E.left(corruptedEvent(recorded.streamId, recorded.revision, recorded.metadata.undecodable));
  const upcast = upcasting.upcast(recorded, recorded.type, recorded.metadata.schemaVersion, recorded.data);
  if (E.isLeft(upcast)) return upcast;
  const parsed = definition.eventSchema.safeParse({ type: recorded.type, data: upcast.right });
  if (!parsed.success) {
    const detail = zodIssues(parsed.error).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return E.left(corruptedEvent(recorded.streamId, recorded.revision, `${recorded.type} does not decode (${detail})`));
  }
  return E.right(parsed.data as DomainEvent);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What an event carries of the command that caused it; correlation and causation default to the command id. */
const eventMetadataOf = (command: Command, schemaVersion: number): EventMetadataToAppend => ({
  commandId: command.metadata.commandId,
  correlationId: command.metadata.correlationId ?? command.metadata.commandId,
  causationId: command.metadata.causationId ?? command.metadata.commandId,
  actor: command.metadata.actor,
  occurredAt: command.metadata.at,
  schemaVersion,
});

/**
 * What makes two commands with one id the same command: their type, data and actor (not their
 * business time). Computed on the decoded command, so a text that only differs by the spaces
 * trimmed from it is the same text.
 */
export const commandDigest = (command: Command): string =>
  sha256Hex(canonicalJson({ type: command.type, data: command.data, actor: command.metadata.actor }));

/** The refusal journal of an aggregate stream: `Refusals-<streamId>`, e.g. `Refusals-Budget-B-1`. */
export const REFUSALS_PREFIX = 'Refusals-';
export const refusalStreamOf = (streamId: string): string => `${REFUSALS_PREFIX}${streamId}`;
export const REFUSAL_RECORDED = 'RefusalRecorded';

/** A decider's refusal as the journal keeps it: the command, and the error exactly as returned. */
export const RefusalRecordedData = z.object({
  commandId: z.string(),
  commandType: z.string(),
  /** The refused command's `commandDigest`; absent in entries recorded before it was kept. */
  commandDigest: z.string().optional(),
  error: z.looseObject({ code: z.string(), message: z.string() }),
});
export type RefusalRecordedData = z.infer<typeof RefusalRecordedData>;

/** The first refusal of a command on a stream, and what the refused command was. */
interface FirstRefusal {
  readonly error: DomainError;
  readonly commandType: string;
  readonly commandDigest: string | undefined;
}

interface CachedStream {
  readonly state: unknown;
  readonly revision: number;
  /** The business time of the stream's last event, which no later command may precede. */
  readonly lastAt: string | undefined;
  /** Every command id in the stream, so that a retried command is never decided as a new one. */
  readonly commandIds: Set<string>;
  /** The first refusal of each command the deciders refused on this stream, by command id. */
  readonly refusals: Map<string, FirstRefusal>;
}

/**
 * The streams most recently used, least recently used first out. A cached state is only ever a
 * guess: a decision made on it is kept only if the store accepts the append at the cached revision,
 * so a stream changed by another process or handler costs one more read, never a wrong answer.
 */
const streamCache = (capacity: number) => {
  const entries = new Map<string, CachedStream>();
  return {
    get: (streamId: string): CachedStream | undefined => {
      const entry = entries.get(streamId);
      if (entry === undefined) return undefined;
      entries.delete(streamId);
      entries.set(streamId, entry);
      return entry;
    },
    set: (streamId: string, entry: CachedStream): void => {
      if (capacity <= 0) return;
      entries.delete(streamId);
      entries.set(streamId, entry);
      if (entries.size > capacity) entries.delete(entries.keys().next().value!);
    },
    delete: (streamId: string): void => {
      entries.delete(streamId);
    },
  };
};

/**
 * Whether the first stored event of a command id came from this very command (same content digest),
 * or from a command that reused its id. Events stored before the digest was part of event ids
 * cannot tell, and are taken as the same command, as they always were.
 */
const isSameCommand = (first: RecordedEvent, streamId: string, commandId: string, digest: string): boolean =>
  first.eventId === commandEventId(streamId, commandId, digest, 0) || first.eventId === deterministicEventId(streamId, commandId, 0);

/** Decides a command, unless its business time precedes the stream's last event: business time never runs backwards. */
const decideInTime = (
  definition: AnyAggregateDefinition,
  command: Command,
  state: unknown,
  streamId: string,
  lastAt: string | undefined,
): E.Either<DomainError, readonly DomainEvent[]> =>
  lastAt !== undefined && Date.parse(command.metadata.at) < Date.parse(lastAt)
    ? E.left(businessTimeBackwards(streamId, command.type, command.metadata.at, lastAt))
    : definition.decider.decide(command, state);

export const createCommandHandler = (options: CommandHandlerOptions): CommandHandler => {
  const { store } = options;
  const upcasting = options.upcasting ?? createUpcasting();
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  const maxUnavailableRetries = options.maxUnavailableRetries ?? 2;
  const cache = streamCache(options.cachedStreams ?? 10_000);

  const loadStream = async (
    definition: AnyAggregateDefinition,
    streamId: string,
    commandId?: string,
  ): Promise<
    E.Either<
      StoreError,
      LoadedAggregate<unknown> & {
        readonly earlier: RecordedEvent[];
        readonly lastAt: string | undefined;
        readonly commandIds: Set<string>;
        readonly refusals: Map<string, FirstRefusal>;
      }
    >
  > => {
    let state: unknown = definition.decider.initialState;
    let revision = -1;
    let lastAt: string | undefined;
    const events: RecordedEvent[] = [];
    const earlier: RecordedEvent[] = [];
    const commandIds = new Set<string>();
    try {
      for await (const stored of store.readStream(streamId)) {
        const decoded = decodeRecordedEvent(definition, upcasting, stored);
        if (E.isLeft(decoded)) return decoded;
        state = definition.decider.evolve(state, decoded.right);
        revision = stored.revision;
        lastAt = stored.metadata.occurredAt;
        events.push(stored);
        commandIds.add(stored.metadata.commandId);
        if (commandId !== undefined && stored.metadata.commandId === commandId) earlier.push(stored);
      }
    } catch (thrown) {
      if (!(isStoreFailure(thrown) && thrown.error.code === 'StreamNotFound')) {
        return E.left(isStoreFailure(thrown) ? thrown.error : storeUnavailable(`reading ${streamId} failed`, thrown));
      }
    }
    const refusals = new Map<string, FirstRefusal>();
    try {
      for await (const stored of store.readStream(refusalStreamOf(streamId))) {
        const recorded = RefusalRecordedData.safeParse(stored.data);
        if (!recorded.success) return E.left(corruptedEvent(stored.streamId, stored.revision, `${stored.type} does not decode`));
        const { commandId: refusedId, commandType, commandDigest: digest, error } = recorded.data;
        if (!refusals.has(refusedId)) refusals.set(refusedId, { error, commandType, commandDigest: digest });
      }
    } catch (thrown) {
      if (!(isStoreFailure(thrown) && thrown.error.code === 'StreamNotFound')) {
        return E.left(isStoreFailure(thrown) ? thrown.error : storeUnavailable(`reading ${refusalStreamOf(streamId)} failed`, thrown));
      }
    }
    return E.right({ state, revision, events, earlier, lastAt, commandIds, refusals });
  };

  /**
   * Keeps a decider's refusal in the stream's refusal journal, so that the same command sent again
   * returns this refusal however the aggregate has changed since. Nothing goes into the aggregate's
   * own stream.
   */
  const recordRefusal = async (command: Command, streamId: string, error: DomainError, digest: string): Promise<E.Either<StoreError, void>> => {
    const journal = refusalStreamOf(streamId);
    const { commandId } = command.metadata;
    const data = { commandId, commandType: command.type, commandDigest: digest, error };
    const event: EventToAppend = {
      eventId: deterministicEventId(journal, commandId, 0),
      type: REFUSAL_RECORDED,
      data,
      metadata: eventMetadataOf(command, 1),
    };
    for (let attempt = 0; ; attempt += 1) {
      const result = await store.appendToStream(journal, [event], { expectedRevision: 'any' });
      if (E.isRight(result)) return E.right(undefined);
      if (result.left.code !== 'StoreUnavailable' || attempt >= maxUnavailableRetries) return E.left(result.left);
      await sleep(25 * 2 ** attempt);
    }
  };

  const refuse = async (
    error: DomainError,
    command: unknown,
    streamId?: string,
  ): Promise<E.Either<DomainError, CommandAccepted>> => {
    if (options.onRefused) await options.onRefused(streamId === undefined ? { error, command } : { error, command, streamId });
    return E.left(error);
  };

  const append = async (streamId: string, events: EventToAppend[], expectedRevision: number) => {
    for (let attempt = 0; ; attempt += 1) {
      const result = await store.appendToStream(streamId, events, {
        expectedRevision: expectedRevision < 0 ? 'noStream' : expectedRevision,
      });
      if (E.isRight(result) || result.left.code !== 'StoreUnavailable' || attempt >= maxUnavailableRetries) return result;
      await sleep(25 * 2 ** attempt);
    }
  };

  return {
    load: async <S>(definition: AnyAggregateDefinition, streamId: string) => {
      const loaded = await loadStream(definition, streamId);
      if (E.isLeft(loaded)) return loaded;
      const { state, revision, events } = loaded.right;
      return E.right({ state: state as S, revision, events });
    },

    handle: async (definition, raw) => {
      const decoded = decodeCommand<Command>(definition.commandSchema, raw);
      if (E.isLeft(decoded)) return refuse(decoded.left, raw);
      const command = decoded.right;
      const streamId = definition.streamId(command);
      const authorized = definition.authorize(command);
      if (E.isLeft(authorized)) return refuse(authorized.left, raw, streamId);
      const { commandId } = command.metadata;
      const digest = commandDigest(command);

      // A command id already in the stream is a retry: the stream is read to return what it stored.
      let guess = cache.get(streamId);
      if (guess?.commandIds.has(commandId)) guess = undefined;
      for (let conflicts = 0; ; ) {
        const fromCache = guess !== undefined;
        let current: CachedStream;
        if (guess !== undefined) {
          current = guess;
          guess = undefined;
        } else {
          const loaded = await loadStream(definition, streamId, commandId);
          if (E.isLeft(loaded)) return refuse(loaded.left, raw, streamId);
          const { state, revision, earlier, lastAt, commandIds, refusals } = loaded.right;
          if (earlier.length > 0) {
            if (!isSameCommand(earlier[0]!, streamId, commandId, digest)) {
              return refuse(idempotencyConflict(streamId, commandId, command.type), raw, streamId);
            }
            return E.right({ streamId, events: earlier, nextExpectedRevision: revision, duplicate: true });
          }
          current = { state, revision, lastAt, commandIds, refusals };
          cache.set(streamId, current);
        }
        const firstRefusal = current.refusals.get(commandId);
        if (firstRefusal !== undefined) {
          const sameCommand =
            firstRefusal.commandDigest === undefined ? firstRefusal.commandType === command.type : firstRefusal.commandDigest === digest;
          return sameCommand ? E.left(firstRefusal.error) : refuse(idempotencyConflict(streamId, commandId, command.type), raw, streamId);
        }
        const { state, revision, lastAt } = current;
        const decision = decideInTime(definition, command, state, streamId, lastAt);
        // Only a successful append confirms a cached state; any other outcome is decided again on the stream as stored.
        if (fromCache && (E.isLeft(decision) || decision.right.length === 0)) continue;
        if (E.isLeft(decision)) {
          const recorded = await recordRefusal(command, streamId, decision.left, digest);
          if (E.isLeft(recorded)) return refuse(recorded.left, raw, streamId);
          current.refusals.set(commandId, { error: decision.left, commandType: command.type, commandDigest: digest });
          return refuse(decision.left, raw, streamId);
        }
        if (decision.right.length === 0) {
          return E.right({ streamId, events: [], nextExpectedRevision: revision, duplicate: false });
        }
        const toAppend: EventToAppend[] = [];
        for (const [index, event] of decision.right.entries()) {
          const envelope: EventToAppend = {
            eventId: commandEventId(streamId, commandId, digest, index),
            type: event.type,
            data: event.data,
            metadata: eventMetadataOf(command, upcasting.currentVersion(event.type)),
          };
          toAppend.push(envelope);
        }
        const appended = await append(streamId, toAppend, revision);
        if (E.isRight(appended)) {
          // The store may have recognized these events as a retry stored earlier by another writer, with
          // more events after them: then the stream's end is not where this decision left it.
          if (appended.right.nextExpectedRevision === revision + toAppend.length) {
            let next = state;
            for (const event of decision.right) next = definition.decider.evolve(next, event);
            cache.set(streamId, {
              state: next,
              revision: appended.right.nextExpectedRevision,
              lastAt: command.metadata.at,
              commandIds: current.commandIds.add(commandId),
              refusals: current.refusals,
            });
          } else {
            cache.delete(streamId);
          }
          return E.right({
            streamId,
            events: appended.right.events,
            nextExpectedRevision: appended.right.nextExpectedRevision,
            duplicate: false,
          });
        }
        cache.delete(streamId);
        if (appended.left.code === 'ConcurrencyConflict' && fromCache) continue;
        if (appended.left.code !== 'ConcurrencyConflict' || conflicts >= maxConflictRetries) {
          return refuse(appended.left, raw, streamId);
        }
        conflicts += 1;
      }
    },
  };
};

/**
 * One entry point for many aggregates: routes a command to the aggregate that handles its `type`.
 * An unknown or missing type is an `InvalidCommand` naming it, reported to `onRefused` like any refusal.
 */
export const createCommandRouter = (options: CommandHandlerOptions, definitions: readonly AnyAggregateDefinition[]) => {
  const handler = createCommandHandler(options);
  const byType = new Map<string, AnyAggregateDefinition>();
  for (const definition of definitions) {
    for (const type of definition.commandTypes) {
      if (byType.has(type)) throw new Error(`command type ${type} is handled by two aggregates`);
      byType.set(type, definition);
    }
  }
  return {
    handler,
    commandTypes: [...byType.keys()],
    definitionFor: (type: string): AnyAggregateDefinition | undefined => byType.get(type),
    handle: async (raw: unknown): Promise<E.Either<DomainError, CommandAccepted>> => {
      const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
      const type = isObject ? (raw as { type?: unknown }).type : undefined;
      const definition = typeof type === 'string' ? byType.get(type) : undefined;
      if (definition !== undefined) return handler.handle(definition, raw);
      const error = !isObject
        ? invalidCommand([{ path: '', message: 'a command must be an object with type, data and metadata' }])
        : typeof type !== 'string'
          ? invalidCommand([{ path: 'type', message: 'missing or not a string' }])
          : invalidCommand([{ path: 'type', message: `unknown command type ${JSON.stringify(type)}` }], `unknown command type ${JSON.stringify(type)}`);
      if (options.onRefused) await options.onRefused({ error, command: raw });
      return E.left(error);
    },
  };
};

export type CommandRouter = ReturnType<typeof createCommandRouter>;
