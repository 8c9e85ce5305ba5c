export * from './specify.js';
export * from './conformance.js';
export * from './counter.js';
