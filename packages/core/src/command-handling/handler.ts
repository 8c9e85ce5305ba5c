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

  const refuse = async (error: DomainError, command: unknown, streamId?: string): Promise<E.Either<DomainError, CommandAccepted>> => {
    if (options.onRefused) await options.onRefused(streamId === undefined ? { error, command } : { error, command, streamId });
    return E.left(error);
  };

  const handle: CommandHandler['handle'] = async (definition, raw) => {
    const received = receiveCommand(definition, raw);
    if (E.isLeft(received)) return refuse(received.left.error, raw, received.left.streamId);
    const { command, streamId, commandId } = received.right;
    let cached = cache.lookup(streamId, commandId);
    for (let conflicts = 0; ; ) {
      const fromCache = cached !== undefined;
      const loaded = cached !== undefined ? E.right({ ...cached, earlier: [] }) : await loadStream(store, upcasting, definition, streamId, commandId);
      cached = undefined;
      if (E.isLeft(loaded)) return refuse(loaded.left, raw, streamId);
      const head = loaded.right;
      if (!fromCache && head.earlier.length === 0) cache.remember(streamId, head);

      const earlier = answerOfEarlier(received.right, head, head.earlier);
      if (earlier !== undefined) return earlier.kind === 'answer' ? earlier.result : refuse(earlier.error, raw, streamId);

      const decision = decideOnHead(definition, received.right, head);
      if (fromCache && (E.isLeft(decision) || decision.right.length === 0)) continue;
      if (E.isLeft(decision)) {
        const journaled = await journalRefusal(store, retries, received.right, decision.left);
        if (E.isLeft(journaled)) return refuse(journaled.left, raw, streamId);
        head.refusals.set(commandId, { error: decision.left, commandType: command.type, commandDigest: received.right.digest });
        return refuse(decision.left, raw, streamId);
      }
      if (decision.right.length === 0) return E.right({ streamId, events: [], nextExpectedRevision: head.revision, duplicate: false });

      const toAppend = envelopes(upcasting, received.right, decision.right);
      const appended = await appendAtHead(store, retries, streamId, head, toAppend);
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
          });
        } else cache.forget(streamId);
        return E.right({ streamId, events, nextExpectedRevision, duplicate: false });
      }
      cache.forget(streamId);
      if (appended.left.code === 'ConcurrencyConflict' && fromCache) continue;
      if (appended.left.code !== 'ConcurrencyConflict' || conflicts >= maxConflictRetries) return refuse(appended.left, raw, streamId);
      conflicts += 1;
    }
  };

  return {
    handle,
    load: async <S>(definition: Parameters<CommandHandler['load']>[0], streamId: string) => {
      const loaded = await loadStream(store, upcasting, definition, streamId);
      if (E.isLeft(loaded)) return loaded;
      const { state, revision, events } = loaded.right;
      return E.right({ state: state as S, revision, events });
    },
  };
};
