export * from './shared/roles.js';
export * from './shared/errors.js';
export * from './shared/schemas.js';
export * from './repair-order/index.js';
export * from './service-standard/index.js';
export * from './appraisal/index.js';
export * from './budget/index.js';
export * from './department.js';
