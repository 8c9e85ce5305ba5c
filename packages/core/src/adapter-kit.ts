// For authors of event stores, key stores and projection stores: the rules every append keeps, the
// hash chain a store seals events with, idempotent retries, catch-up subscriptions. The conformance
// suites every adapter runs are in `@aftersales/core/testing` (they need vitest).
export { checkExpectedRevision, findIdempotentAppend, validateBatch } from './append-rules.js';
export type { ChainProblem, SealedEvent } from './hash-chain.js';
export { GENESIS_HASH, computeEventHash, sealEvents, sha256Hex, verifyStreamChain } from './hash-chain.js';
export { EventMetadataToAppendSchema, RecordedEventMetadataSchema } from './messages.js';
export { matchesFilter, positionsBetween } from './event-store.js';
export type { CatchUpSource } from './subscription.js';
export { catchUpSubscription } from './subscription.js';
export type { SecondWriter } from './projection.js';
export { secondWriter } from './projection.js';
export { newKeyId } from './personal-data.js';
export { decodeRecordedEvent } from './command-handling/index.js';
export type { LibraryInstruments } from './telemetry.js';
export { attributeCache, commandParentContext, libraryInstruments, libraryTracer, secondsSince, spanContextOf, traceContextOf } from './telemetry.js';
export type { BatchOutcome, BatchTelemetry } from './projection-telemetry.js';
export { lagBehindHead, projectionTelemetry } from './projection-telemetry.js';
