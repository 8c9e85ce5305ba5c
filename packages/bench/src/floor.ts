import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition, Command, DomainEvent, RecordedEvent } from '@aftersales/core';
import { computeEventHash } from '@aftersales/core/adapter-kit';
import { auditEntryOf, decodeDepartmentEvent, emptyKpiFacts, foldKpiFacts } from '@aftersales/read-models/folding';
import { definitions } from './department.js';
import type { Timing } from './stopwatch.js';
import { Stopwatch } from './stopwatch.js';
import { commandChunks } from './workload.js';

export interface FloorRun {
  readonly count: number;
  readonly seconds: Timing;
}

/**
 * The same commands through the same deciders with nothing else: no decoding, no authorization, no
 * store, no hashing; each stream's state lives in a map. What the library adds is measured against this.
 */
export const floorCommands = (orders: number): FloorRun => {
  const byType = new Map<string, AnyAggregateDefinition>();
  for (const definition of definitions) for (const type of definition.commandTypes) byType.set(type, definition);
  const states = new Map<string, unknown>();
  let count = 0;
  const stopwatch = new Stopwatch();
  for (const chunk of commandChunks(orders)) {
    stopwatch.time(() => {
      for (const command of chunk as readonly Command[]) {
        const definition = byType.get(command.type)!;
        const streamId = definition.streamId(command);
        let state = states.get(streamId) ?? definition.decider.initialState;
        const decision = definition.decider.decide(command, state) as E.Either<unknown, readonly DomainEvent[]>;
        if (E.isRight(decision)) {
          for (const event of decision.right) state = definition.decider.evolve(state, event);
          states.set(streamId, state);
        }
      }
    });
    count += chunk.length;
  }
  return { count, seconds: stopwatch.seconds };
};

/** An event as a store keeps it: its data and metadata as JSON text beside the columns. */
interface StoredEvent {
  readonly event: Omit<RecordedEvent, 'data' | 'metadata'>;
  readonly data: string;
  readonly metadata: string;
}

/**
 * What a rebuild with the log's verification cannot do without, over events already in memory as
 * stored text: each event parsed (JSON.parse), its hash checked (canonical JSON and SHA-256), decoded
 * once, folded into the KPI facts and turned into its audit entry. No store, no rows, no chain
 * bookkeeping. The stored text is made before the stopwatch starts.
 */
export const floorRebuild = (events: readonly RecordedEvent[]): FloorRun => {
  const stored: StoredEvent[] = events.map(({ data, metadata, ...event }) => ({ event, data: JSON.stringify(data), metadata: JSON.stringify(metadata) }));
  const facts = emptyKpiFacts();
  let entries = 0;
  let broken = 0;
  const stopwatch = new Stopwatch();
  stopwatch.time(() => {
    for (const { event: columns, data, metadata } of stored) {
      const event = { ...columns, data: JSON.parse(data) as unknown, metadata: JSON.parse(metadata) as RecordedEvent['metadata'] };
      if (computeEventHash(event) !== event.metadata.hash) broken += 1;
      const decoded = decodeDepartmentEvent(event);
      foldKpiFacts(facts, event, decoded);
      if (auditEntryOf(event, decoded).position !== '') entries += 1;
    }
  });
  if (broken > 0) throw new Error(`${broken} events do not match their hash`);
  return { count: Math.min(entries, events.length), seconds: stopwatch.seconds };
};
