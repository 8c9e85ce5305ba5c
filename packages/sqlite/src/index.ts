export { SqliteEventStore } from './event-store.js';
export type { SqliteEventStoreOptions } from './event-store.js';
export { SqliteProjectionStore } from './projection-store.js';
export { SCHEMA_VERSION, openSqliteDatabase } from './database.js';
export type { Connection } from './database.js';
export type { SqliteOptions } from './database.js';
export { SqliteKeyStore } from './key-store.js';
export type { SqliteKeyStoreOptions } from './key-store.js';
