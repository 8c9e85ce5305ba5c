export type { IntegrityProblem, IntegrityProblemKind } from './problems.js';
export { describeProblem } from './problems.js';
export type { LogAnchor } from './anchors.js';
export { formatAnchor, parseAnchor, parseAnchorLines } from './anchors.js';
export { INTEGRITY_CHECKPOINTED, INTEGRITY_STREAM, IntegrityCheckpoint, StreamHead } from './checkpoint.js';
export type { LogVerifier, VerificationReport, VerificationSource, VerifyOptions } from './verifier.js';
export { createLogVerifier, storeVerificationSource, verifyLog, verifySource } from './verifier.js';
export type { SealOptions, SealResult } from './seal.js';
export { sealLog } from './seal.js';
