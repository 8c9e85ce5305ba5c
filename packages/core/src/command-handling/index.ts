export type { CommandAccepted, CommandHandler, CommandHandlerOptions, LoadedAggregate, RefusedCommand } from './types.js';
export { commandDigest, decodeCommand, decodeRecordedEvent, zodIssues } from './decode.js';
export { REFUSALS_PREFIX, REFUSAL_RECORDED, RefusalRecordedData, refusalStreamOf, refusedStreamOf } from './refusal-journal.js';
export { createCommandHandler } from './handler.js';
export { createCommandRouter } from './router.js';
export type { CommandRouter } from './router.js';
