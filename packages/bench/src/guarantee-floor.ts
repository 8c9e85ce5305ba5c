import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { AnyAggregateDefinition, Command, DomainEvent, EventToAppend } from '@aftersales/core';
import { commandDigest, commandEventId } from '@aftersales/core';
import { GENESIS_HASH, sealEvents, validateBatch } from '@aftersales/core/adapter-kit';
import { openSqliteDatabase } from '@aftersales/sqlite';
import { definitions, upcasting } from './department.js';
import type { FloorRun } from './floor.js';
import { Stopwatch } from './stopwatch.js';
import { commandChunks } from './workload.js';

/**
 * The bare deciders with the steps no guarantee can do without, in a loop: each command decoded with
 * its zod schema and authorized, its digest, its events' ids, the append's check of the batch and
 * the events sealed into their stream's chain. No store, no cache, no promise, no idempotency
 * lookup, no refusal journal, no telemetry: what the pipeline cannot cost less than.
 */
export const guaranteeFloorCommands = (orders: number): FloorRun => {
  const byType = new Map<string, AnyAggregateDefinition>();
  for (const definition of definitions) for (const type of definition.commandTypes) byType.set(type, definition);
  const states = new Map<string, unknown>();
  const lastHashes = new Map<string, { revision: number; hash: string }>();
  const recordedAt = new Date().toISOString();
  let count = 0;
  const stopwatch = new Stopwatch();
  for (const chunk of commandChunks(orders)) {
    stopwatch.time(() => {
      for (const raw of chunk) {
        const definition = byType.get(raw.type)!;
        const decoded = definition.commandSchema.safeParse(raw);
        if (!decoded.success) throw new Error(`${raw.type} does not decode`);
        const command = decoded.data as Command;
        if (E.isLeft(definition.authorize(command))) continue;
        const streamId = definition.streamId(command);
        const digest = commandDigest(command);
        let state = states.get(streamId) ?? definition.decider.initialState;
        const decision = definition.decider.decide(command, state) as E.Either<unknown, readonly DomainEvent[]>;
        if (E.isLeft(decision) || decision.right.length === 0) continue;
        const { commandId, actor, at } = command.metadata;
        const events: EventToAppend[] = decision.right.map((event, index) => ({
          eventId: commandEventId(streamId, commandId, digest, index),
          type: event.type,
          data: event.data,
          metadata: { commandId, correlationId: commandId, causationId: commandId, actor, occurredAt: at, schemaVersion: upcasting.currentVersion(event.type) },
        }));
        if (validateBatch(streamId, events) !== undefined) throw new Error(`the batch for ${streamId} is invalid`);
        const head = lastHashes.get(streamId) ?? { revision: -1, hash: GENESIS_HASH };
        const sealed = sealEvents(streamId, head.revision + 1, head.hash, events, recordedAt);
        lastHashes.set(streamId, { revision: head.revision + sealed.length, hash: sealed.at(-1)!.metadata.hash });
        for (const event of decision.right) state = definition.decider.evolve(state, event);
        states.set(streamId, state);
      }
    });
    count += chunk.length;
  }
  return { count, seconds: stopwatch.seconds };
};

/** What one append costs SQLite alone, in CPU microseconds, alone in its transaction and in groups. */
export interface SqliteTransactionFloor {
  readonly appends: number;
  /** One transaction per append, as one caller's commands get: the head query, the insert, the commit. */
  readonly oneAppendMicros: number;
  /** Eight appends per transaction, as group commit gives 8 callers at best. */
  readonly groupOf8Micros: number;
}

/**
 * One-event appends straight through the driver on the store's own schema (both unique indexes, WAL,
 * the store's pragmas), with the year's stream ids and random event ids: the head query and the
 * insert, committed one by one and then eight at a time. No JSON, no hashing, no command handling.
 */
export const sqliteTransactionFloor = (appends: number): SqliteTransactionFloor => {
  const folder = mkdtempSync(join(tmpdir(), 'aftersales-bench-'));
  const opened = openSqliteDatabase(join(folder, 'floor.db'));
  if (E.isLeft(opened)) throw new Error(opened.left.message);
  const db = opened.right;
  try {
    const head = db.prepare<[string], { revision: number }>('SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1');
    const insert = db.prepare('INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)');
    const data = JSON.stringify({ repairOrderId: 'RO-2026-000123', bay: 'B-2', at: '2026-03-01T09:00:00+08:00' });
    const metadata = JSON.stringify({ actor: { id: 'advisor-1', role: 'ServiceAdvisor' }, causationId: 'c-1', commandId: 'c-1', correlationId: 'c-1', hash: 'a'.repeat(64), occurredAt: '2026-03-01T09:00:00+08:00', prevHash: 'b'.repeat(64), recordedAt: '2026-11-30T15:00:00.000Z', schemaVersion: 1 });
    const appendOne = (index: number) => {
      const streamId = `RepairOrder-${index % 7_500}`;
      const revision = (head.get(streamId)?.revision ?? -1) + 1;
      insert.run(streamId, revision, crypto.randomUUID(), 'RepairScheduled', data, metadata);
    };
    const single = db.transaction(appendOne);
    const group = db.transaction((first: number) => {
      for (let index = first; index < first + 8; index += 1) appendOne(index);
    });
    const alone = new Stopwatch();
    alone.time(() => {
      for (let index = 0; index < appends; index += 1) single.immediate(index);
    });
    const grouped = new Stopwatch();
    grouped.time(() => {
      for (let index = appends; index < 2 * appends; index += 8) group.immediate(index);
    });
    return { appends, oneAppendMicros: (alone.seconds.cpu * 1e6) / appends, groupOf8Micros: (grouped.seconds.cpu * 1e6) / appends };
  } finally {
    db.close();
    rmSync(folder, { recursive: true, force: true });
  }
};
