// Folding a log in memory, with no backend and no checkpoint, as the read models' projector does for
// each event: decode it once, fold it into the KPI facts, turn it into an audit entry; then judge
// the KPIs of a period from the facts. For tools that read a whole log once, such as a benchmark's
// floor or a one-off audit script; a service uses `createReadModels`.
export type { Decoded } from './decode.js';
export { decodeDepartmentEvent } from './decode.js';
export type { KpiFacts } from './kpi-facts.js';
export { emptyKpiFacts, foldKpiFacts } from './kpi-facts.js';
export { auditEntryOf } from './audit-trail.js';
export { computeKpis, explainKpiItem, kpiItems } from './kpis.js';
