export * from './specify.js';
export * from './conformance.js';
export { testEvent, uniqueStream } from './test-events.js';
export * from './counter.js';
export * from './faulty-store.js';
export * from './key-store-contract.js';
export * from './json-projection-store.js';
export * from './log-problems.js';
