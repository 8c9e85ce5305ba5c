export * from './periods.js';
export * from './config.js';
export * from './decode.js';
export * from './kpi-facts.js';
export * from './kpis.js';
export * from './summaries.js';
export * from './audit-trail.js';
export * from './read-models.js';
