import * as E from 'fp-ts/lib/Either.js';
import type { DomainError } from '../errors.js';
import { createUpcasting } from '../upcasting.js';
import { appendAtHead, envelopes } from './append.js';
import { streamCache } from './cache.js';
import { decideOnHead, evolveAll } from './decide.js';
import { receiveCommand } from './decode.js';
import { answerOfEarlier } from './idempotency.js';
import { loadStream } from './load.js';
import { journalRefusal } from './refusal-journal.js';
import type { CommandInFlight } from './telemetry.js';
import { commandTelemetry, noCommandTelemetry } from './telemetry.js';
import type { CommandAccepted, CommandHandler, CommandHandlerOptions } from './types.js';

/**
 * A command's whole path: receive (decode, route to its stream, authorize), take the stream's head
 * from the cache or load it, answer a command id seen before, decide, append at that head, remember
 * the new head. A decision on a cached head is kept only if the append lands at that head; any other
 * outcome is decided again on the stream as stored.
 */
export const createCommandHandler = (options: CommandHandlerOptions): CommandHandler => {
  const { store } = options;
  const upcasting = options.upcasting ?? createUpcasting();
  const maxConflictRetries = options.maxConflictRetries ?? 5;
  const retries = options.maxUnavailableRetries ?? 2;
  const cache = streamCache(options.cachedStreams ?? 10_000);
  const telemetry = options.telemetry === false ? noCommandTelemetry : commandTelemetry(store.dbSystem);

  const refuse = async (error: DomainError, command: unknown, streamId?: string): Promise<E.Either<DomainError, CommandAccepted>> => {
    if (options.onRefused) await options.onRefused(streamId === undefined ? { error, command } : { error, command, streamId });
    return E.left(error);
  };

  const handleInSpan = async (definition: Parameters<CommandHandler['handle']>[0], raw: unknown, traced: CommandInFlight): ReturnType<CommandHandler['handle']> => {
    const received = receiveCommand(definition, raw);
    if (E.isLeft(received)) return refuse(received.left.error, raw, received.left.streamId);
    const { command, streamId, commandId } = received.right;
    telemetry.received(traced, streamId);
    let cached = cache.lookup(streamId, commandId);
    let snapshotEvery = options.snapshotEvery;
    for (let conflicts = 0; ; ) {
      const fromCache = cached !== undefined;
      const loaded =
        cached !== undefined
          ? E.right({ head: cached, earlier: [] })
          : await telemetry.load(traced, streamId, () => loadStream(store, upcasting, definition, streamId, commandId, { snapshotEvery }));
      cached = undefined;
      if (E.isLeft(loaded)) return refuse(loaded.left, raw, streamId);
      const { head } = loaded.right;
      if (!fromCache && loaded.right.earlier.length === 0) cache.remember(streamId, head);
      // A cached head may miss what another writer stored since: only an append confirms it. A head
      // from a snapshot is no guess: a command id its filter may hold was loaded from the whole stream.
      const guess = fromCache;
      const readWhole = () => {
        snapshotEvery = undefined;
      };

      const earlier = answerOfEarlier(received.right, head, loaded.right.earlier);
      if (earlier !== undefined) return earlier.kind === 'answer' ? earlier.result : refuse(earlier.error, raw, streamId);

      const decision = telemetry.decide(traced, streamId, () => decideOnHead(definition, received.right, head));
      if (guess && (E.isLeft(decision) || decision.right.length === 0)) {
        readWhole();
        continue;
      }
      if (E.isLeft(decision)) {
        const journaled = await journalRefusal(store, retries, received.right, decision.left);
        if (E.isLeft(journaled)) return refuse(journaled.left, raw, streamId);
        head.refusals.set(commandId, { error: decision.left, commandType: command.type, commandDigest: received.right.digest });
        return refuse(decision.left, raw, streamId);
      }
      if (decision.right.length === 0) return E.right({ streamId, events: [], nextExpectedRevision: head.revision, duplicate: false });

      const toAppend = envelopes(upcasting, received.right, decision.right);
      const appended = await telemetry.append(traced, streamId, toAppend, (events) => appendAtHead(store, retries, streamId, head, events));
      if (E.isRight(appended)) {
        const { events, nextExpectedRevision } = appended.right;
        // A store that recognized a retry stored earlier by another writer may hold more events after it.
        if (nextExpectedRevision === head.revision + toAppend.length) {
          cache.remember(streamId, {
            state: evolveAll(definition, head.state, decision.right),
            revision: nextExpectedRevision,
            hash: events.at(-1)!.metadata.hash,
            lastAt: command.metadata.at,
            commandIds: head.commandIds.add(commandId),
            refusals: head.refusals,
            beforeSnapshot: head.beforeSnapshot,
          });
        } else cache.forget(streamId);
        return E.right({ streamId, events, nextExpectedRevision, duplicate: false });
      }
      cache.forget(streamId);
      if (guess && appended.left.code === 'ConcurrencyConflict') {
        readWhole();
        continue;
      }
      if (appended.left.code !== 'ConcurrencyConflict' || conflicts >= maxConflictRetries) return refuse(appended.left, raw, streamId);
      conflicts += 1;
    }
  };

  /** Every command in its span: the path above, and its outcome recorded however it ends. */
  const handle: CommandHandler['handle'] = async (definition, raw) => {
    const traced = telemetry.start(definition, raw);
    return telemetry.finish(traced, await handleInSpan(definition, raw, traced));
  };

  return {
    handle,
    load: async <S>(definition: Parameters<CommandHandler['load']>[0], streamId: string) => {
      const loaded = await loadStream(store, upcasting, definition, streamId);
      if (E.isLeft(loaded)) return loaded;
      const { head, events } = loaded.right;
      return E.right({ state: head.state as S, revision: head.revision, events });
    },
  };
};
