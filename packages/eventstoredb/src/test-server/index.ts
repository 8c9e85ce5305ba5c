export { EventStoreDBTestServer } from './server.js';
export type { EventStoreDBTestServerOptions } from './server.js';
export type { CommitMode, LogPosition, StoredRecord } from './log.js';
