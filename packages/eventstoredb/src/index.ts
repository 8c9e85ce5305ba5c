export { EventStoreDBEventStore, CONNECTION_STRING_VARIABLE } from './event-store.js';
export type { EventStoreDBEventStoreOptions } from './event-store.js';
export { CLIENT_PACKAGES, clientChoiceOf } from './client.js';
export type {
  AnyClient,
  AppendAnswer,
  ClientChoice,
  ClientFilter,
  ClientPackage,
  ConfigurationError,
  EventData,
  EventStoreDBClientLike,
  KurrentDBClientLike,
  NodeStreamingRead,
  OfficialClientLike,
  Position,
  StreamingRead,
  StreamsClient,
  WireEvent,
  WireExpectedRevision,
  WireFilter,
  WireReadAllOptions,
  WireReadStreamOptions,
  WireResolvedEvent,
  WireSubscribeOptions,
  WireSubscription,
} from './client.js';
export { MINIMUM_SERVER_VERSION, isSupportedServerVersion } from './server-version.js';
export type { ResubscribeOptions } from './subscription.js';
export { fromGlobalPosition, toGlobalPosition } from './position.js';
export { metadataToWrite, UNKNOWN_GLOBAL_POSITION } from './codec.js';
export { EventStoreDBProjectionStore, CHECKPOINT_STREAM_PREFIX, LEGACY_CHECKPOINT_STREAM_PREFIX, checkpointStreamOf } from './projection-store.js';
export type { EventStoreDBProjectionStoreOptions } from './projection-store.js';
export { EventStoreDBStoreSettings, SETTINGS_STREAM } from './store-settings.js';
export type { EventStoreDBStoreSettingsOptions } from './store-settings.js';
