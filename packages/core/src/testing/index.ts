export * from './specify.js';
export * from './conformance.js';
