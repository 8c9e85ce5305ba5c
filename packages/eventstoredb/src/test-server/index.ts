export { EventStoreDBTestServer, FOREIGN_STREAM } from './server.js';
export type { CallKind, EventStoreDBTestServerOptions } from './server.js';
export type { TestUser } from './access.js';
export type { CommitMode, LogPosition, StoredRecord, StreamMetadata } from './log.js';
