export type { AuditReport, AuditReportQuery, MissedItem, ReportEvidence, ReportKpi, ReportVerification } from './build.js';
export { buildAuditReport, renderReportJson } from './build.js';
export { formatRate, formatTarget, formatTurnoverLimits, formatVerdict, renderReportMarkdown } from './render-markdown.js';
export { renderReportHtml } from './render-html.js';
