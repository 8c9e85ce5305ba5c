import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { EventFilter, RecordedEvent } from '@aftersales/core';
import { StoreFailure, corruptedEvent } from '@aftersales/core';
import { RecordedEventMetadataSchema } from '@aftersales/core/adapter-kit';
import type { Connection } from './database.js';
import { describeThrown } from './database.js';

/** A row of `events` in column order: rows are read as arrays, which is markedly faster than objects. */
export type EventRow = readonly [position: number, streamId: string, revision: number, eventId: string, type: string, data: string, metadata: string];

type EventColumns = [stream_id: string, revision: number, event_id: string, type: string, data: string, metadata: string];

const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata';

/** Keeps members it does not know, so an event's hash still verifies after a round trip. */
const MetadataSchema = RecordedEventMetadataSchema.loose();

export const parseJson = (text: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(text));
  } catch (thrown) {
    return E.left(describeThrown(thrown));
  }
};

/** Decodes a stored row; a row that does not decode is reported, naming its stream and revision. */
export const decodeEventRow = ([position, streamId, revision, eventId, type, dataText, metadataText]: EventRow): RecordedEvent => {
  const data = parseJson(dataText);
  if (E.isLeft(data)) throw new StoreFailure(corruptedEvent(streamId, revision, `the data is not JSON (${data.left})`));
  const metadataJson = parseJson(metadataText);
  if (E.isLeft(metadataJson)) throw new StoreFailure(corruptedEvent(streamId, revision, `the metadata is not JSON (${metadataJson.left})`));
  const metadata = MetadataSchema.safeParse(metadataJson.right);
  if (!metadata.success) {
    const detail = metadata.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; ');
    throw new StoreFailure(corruptedEvent(streamId, revision, `the metadata does not decode (${detail})`));
  }
  return { streamId, revision, globalPosition: BigInt(position), eventId, type, data: data.right, metadata: metadata.data };
};

/** The statements an append and a read of one stream use, prepared once per connection. */
export interface Statements {
  /** The stream's last revision, answered from the `(stream_id, revision)` index alone. */
  readonly headRevision: Database.Statement<[string], { readonly revision: number }>;
  /** The metadata of one event, for the hash a batch is chained to. */
  readonly metadataAt: Database.Statement<[string, number], { readonly metadata: string }>;
  readonly byEventId: Database.Statement<[string], { readonly stream_id: string; readonly revision: number }>;
  readonly streamFrom: Database.Statement<[string, number, number], EventRow>;
  readonly streamBackwardsFrom: Database.Statement<[string, number, number], EventRow>;
  readonly streamExists: Database.Statement<[string], { readonly found: number }>;
  readonly insert: Database.Statement<EventColumns>;
}

export const prepareStatements = (db: Connection): Statements => ({
  headRevision: db.prepare(`SELECT revision FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1`),
  metadataAt: db.prepare(`SELECT metadata FROM events WHERE stream_id = ? AND revision = ?`),
  byEventId: db.prepare(`SELECT stream_id, revision FROM events WHERE event_id = ?`),
  streamFrom: db.prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`).raw(true),
  streamBackwardsFrom: db
    .prepare<[string, number, number], EventRow>(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`)
    .raw(true),
  streamExists: db.prepare(`SELECT 1 AS found FROM events WHERE stream_id = ? LIMIT 1`),
  insert: db.prepare(`INSERT INTO events (stream_id, revision, event_id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)`),
});

export type ReadAllStatement = Database.Statement<unknown[], EventRow>;

/** Filters are applied in SQL, so a filtered page holds `maxCount` matching events, not fewer. */
export const readAllSql = (filter: EventFilter | undefined): string => {
  const conditions = ['position > ?'];
  if (filter?.streamPrefixes !== undefined) {
    const prefixes = filter.streamPrefixes.map(() => 'instr(stream_id, ?) = 1');
    conditions.push(prefixes.length === 0 ? '0' : `(${prefixes.join(' OR ')})`);
  }
  if (filter?.eventTypes !== undefined) {
    conditions.push(filter.eventTypes.length === 0 ? '0' : `type IN (${filter.eventTypes.map(() => '?').join(', ')})`);
  }
  return `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`;
};

export const filterParameters = (filter: EventFilter | undefined): string[] => [...(filter?.streamPrefixes ?? []), ...(filter?.eventTypes ?? [])];
