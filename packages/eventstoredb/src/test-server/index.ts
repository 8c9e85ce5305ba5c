export { EventStoreDBTestServer } from './server.js';
export type { EventStoreDBTestServerOptions } from './server.js';
export type { LogPosition, StoredRecord } from './log.js';
