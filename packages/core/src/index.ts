// The API for users of the library: aggregates, command handling, stores, projections, verification,
// personal data and the security log. What store authors need is in `@aftersales/core/adapter-kit`;
// test helpers are in `@aftersales/core/testing`; log files in `@aftersales/core/log-transfer`.
export type { Command, DomainEvent, EventMetadataToAppend, EventToAppend, RecordedEvent, RecordedEventMetadata } from './messages.js';
export { Actor, CommandActor, CommandMetadata, FIRST_BUSINESS_YEAR, IDENTIFIER_PATTERN, Identifier, Instant, LAST_BUSINESS_YEAR } from './messages.js';
export type {
  AccessDenied,
  BusinessTimeBackwards,
  ConcurrencyConflict,
  CorruptedEvent,
  DomainError,
  ExpectedRevision,
  Forbidden,
  IdempotencyConflict,
  InvalidAppend,
  InvalidCommand,
  StoreError,
  StoreRejected,
  StoreUnavailable,
  StreamNotFound,
  ValidationIssue,
} from './errors.js';
export {
  StoreFailure,
  accessDenied,
  businessTimeBackwards,
  concurrencyConflict,
  corruptedEvent,
  forbidden,
  idempotencyConflict,
  invalidAppend,
  invalidCommand,
  isStoreFailure,
  storeRejected,
  storeUnavailable,
  streamNotFound,
} from './errors.js';
export type { Decider } from './decider.js';
export { fold } from './decider.js';
export type { AggregateDefinition, AnyAggregateDefinition, SnapshotPolicy } from './aggregate.js';
export type { AppendOptions, AppendResult, EventFilter, EventStore, ReadAllOptions, ReadStreamOptions, SubscribeOptions, Subscription } from './event-store.js';
export { collect, logHeadOf } from './event-store.js';
export type { InMemoryEventStoreOptions } from './in-memory-store.js';
export { InMemoryEventStore } from './in-memory-store.js';
export { canonicalJson } from './canonical-json.js';
export { deterministicEventId, commandEventId } from './event-ids.js';
export type { Upcaster, Upcasting } from './upcasting.js';
export { createUpcasting } from './upcasting.js';
export type { CommandAccepted, CommandHandler, CommandHandlerOptions, CommandRouter, LoadedAggregate, RefusedCommand } from './command-handling/index.js';
export { REFUSAL_RECORDED, RefusalRecordedData, commandDigest, createCommandHandler, createCommandRouter, decodeCommand, refusalStreamOf, refusedStreamOf } from './command-handling/index.js';
export type { Projection, ProjectionError, ProjectionRunner, ProjectionRunnerOptions, ProjectionSnapshot, ProjectionStore, SecondWriter } from './projection.js';
export { InMemoryProjectionStore, createProjectionRunner } from './projection.js';
export * from './verification/index.js';
export type { EventPipelineOptions, EventTransform } from './event-pipeline.js';
export { withEventPipeline } from './event-pipeline.js';
export type { KeyLookup, KeyStore, KeyStoreError, PersonalDataPolicy, PersonalDataRule } from './personal-data.js';
export { ERASED, EncryptedField, InMemoryKeyStore, KEY_UNAVAILABLE, createPersonalDataTransform, keyStoreUnavailable, subjectPseudonym } from './personal-data.js';
export type { SecurityLog, SecurityLogOptions } from './security-log.js';
export { COMMAND_REFUSED, CommandRefused, SECURITY_CODES, SECURITY_LOG_PREFIX, createSecurityLog, describeRefusal, refusalIdentity, securityLogStream } from './security-log.js';
export { escapeForTerminal, escapeMarkdown, jsonProblem, printableJson } from './escape.js';
export type { CommandOutcome, DatabaseSystem } from './telemetry.js';
export { TELEMETRY, TELEMETRY_SCOPE, TraceContext } from './telemetry.js';
