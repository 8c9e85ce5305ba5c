// The API for users of the read models: one `createReadModels` over a store and a backend, the KPI
// and audit-trail answers it gives, the backends, the audit report and the check of stored rows
// against the log. Folding a log in memory with no backend is in `@aftersales/read-models/folding`;
// a throwaway PostgreSQL for tests is in `@aftersales/read-models/testing`.
export type {
  AnsweredAt,
  AuditPage,
  InvalidQuery,
  KpiAnswer,
  KpiItemsPage,
  KpiItemsQuery,
  ReadModelError,
  ReadModelMismatch,
  ReadModels,
  ReadModelsOptions,
  ReadModelTimeout,
} from './read-models.js';
export { createReadModels } from './read-models.js';
export type { BackendError, BatchWrite, Checkpoint, CorruptedReadModel, ItemRow, QueriedItemRow, ReadModelBackend, ReadModelName, ReadModelTable, SubjectWrite, TableRow } from './backend.js';
export { READ_MODEL_TABLES, READ_MODELS } from './backend.js';
export { InMemoryReadModelBackend } from './memory-backend.js';
export type { SqliteDatabase, SqliteStatement } from './sql/sqlite-backend.js';
export { SqliteReadModelBackend } from './sql/sqlite-backend.js';
export type { PgPool, PgQueryable, PgResult } from './sql/postgres-backend.js';
export { PostgresReadModelBackend } from './sql/postgres-backend.js';
export type { Dimension, Direction, KpiId, KpiItem, Reason, Verdict } from './kpi-definitions.js';
export { kpiIds } from './kpi-definitions.js';
export type { Threshold } from './kpi-targets.js';
export { kpiNames } from './kpi-targets.js';
export type { KpiQuery } from './kpi-query.js';
export type { BreakdownRow, KpiResult } from './kpis.js';
export type { SubjectFacts, SubjectKind, UndecodableEvent } from './facts/schema.js';
export type { KpiConfig, KpiConfigVersion, KpiRules, TurnoverLimits } from './config.js';
export { decodeKpiConfig, defaultKpiConfig, defaultKpiRules, rulesOf } from './config.js';
export type { LocalDate, Period } from './periods.js';
export { formatPeriod, localDateOf, parsePeriod, startOfLocalDay } from './periods.js';
export type { AuditEntry, AuditPageQuery, AuditQuery } from './audit-trail.js';
export { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE } from './audit-trail.js';
export type { AuditReport, AuditReportQuery, MissedItem, ReportEvidence, ReportKpi, ReportVerification } from './report/index.js';
export { buildAuditReport, formatRate, formatTarget, formatTurnoverLimits, formatVerdict, renderReportHtml, renderReportJson, renderReportMarkdown } from './report/index.js';
export type { ReadModelComparison, ReadModelDifference, ReadModelHeadProblem, ReadModelVerification } from './verification.js';
export { compareReadModels, verifyReadModels } from './verification.js';
