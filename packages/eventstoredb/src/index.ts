export { EventStoreDBEventStore, CONNECTION_STRING_VARIABLE } from './event-store.js';
export type { EventStoreDBEventStoreOptions, ConfigurationError } from './event-store.js';
export type { ResubscribeOptions } from './subscription.js';
export { fromGlobalPosition, toGlobalPosition } from './position.js';
export { metadataToWrite, UNKNOWN_GLOBAL_POSITION } from './codec.js';
export { EventStoreDBProjectionStore, CHECKPOINT_STREAM_PREFIX, checkpointStreamOf } from './projection-store.js';
export type { EventStoreDBProjectionStoreOptions } from './projection-store.js';
