import { escapeMarkdown as text } from '@aftersales/core';
import type { KpiRules } from '../config.js';
import type { Threshold } from '../kpi-targets.js';
import type { AuditReport } from './build.js';

/** A rate as people read it, rounded down to one decimal (99.96% is not 100%), or a dash where nothing was measured. */
/**
 * A rate as people read it: one decimal, rounded down so that a rate short of its 100% target never
 * shows as 100.0% (1999/2000 reads 99.9%); a dash where there is nothing to measure.
 */
export const formatRate = (rate: number | null): string => (rate === null ? '—' : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`);

export const formatVerdict = (met: boolean | null): string => (met === null ? 'no items' : met ? 'met' : 'missed');

const exactPercent = (rate: number): string => `${Number((rate * 100).toFixed(2))}%`;

/** A target as people read it: `≥ 100%`, `≥ 50%`, or an upper limit `≤ 3%`. */
export const formatTarget = (target: Threshold): string => `${target.direction === 'atLeast' ? '≥' : '≤'} ${exactPercent(target.rate)}`;

/** The company's turnover limits of a version of the settings, month / quarter / year. */
export const formatTurnoverLimits = (rules: KpiRules): string =>
  `${exactPercent(rules.turnoverLimits.month)} / ${exactPercent(rules.turnoverLimits.quarter)} / ${exactPercent(rules.turnoverLimits.year)}`;

/** The report as `report.md`: the same content as the JSON, for people and for diffs. */
export const renderReportMarkdown = (report: AuditReport): string => {
  const lines: string[] = [];
  const { query, verification, configuration } = report;
  lines.push(`# ${text(report.title)}`, '');
  lines.push(`- Period: **${text(query.period)}**`);
  lines.push(`- As of (business time): ${text(query.asOf)}`);
  lines.push(`- Known at (recorded time): ${query.knownAt === null ? 'everything recorded' : text(query.knownAt)}`);
  lines.push(`- Events replayed: ${report.log.eventsCounted} of ${report.log.eventsRead} department events${report.log.eventsRecordedAfterKnownAt > 0 ? ` (${report.log.eventsRecordedAfterKnownAt} recorded after --known-at left out)` : ''}`);
  lines.push('');
  lines.push('## Integrity of the log', '');
  lines.push(
    verification.intact
      ? `**Intact.** ${verification.eventCount} events in ${verification.streamCount} streams: every hash, link and revision checked; ${verification.checkpoints} checkpoint(s)${verification.checkpoints > 0 ? (verification.checkpointsAuthenticated ? `, the audit key vouching for the first ${verification.vouchedEventCount} events` : ', MACs not checked') : ''}.`
      : `**NOT INTACT: ${verification.problemCount} problem(s)** in ${verification.eventCount} events of ${verification.streamCount} streams.`,
  );
  lines.push('', `Anchor: \`${verification.anchor}\``, '');
  if (verification.problems.length > 0) {
    lines.push('| problem | where | what |', '| --- | --- | --- |');
    for (const problem of verification.problems) {
      lines.push(`| ${text(problem.kind)} | ${text(problem.revision < 0 ? problem.streamId : `${problem.streamId}@${problem.revision}`)} | ${text(problem.message)} |`);
    }
    lines.push('');
  }
  lines.push('## KPIs (达标率)', '');
  lines.push('Counted: the hits of a KPI with a lower bound (≥), the misses (leavers) of one with an upper limit (≤).', '');
  lines.push('| KPI | 中文 | counted / items | rate | target | verdict | missed | pending |', '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |');
  for (const kpi of report.kpis) {
    lines.push(`| ${text(kpi.kpi)} | ${text(kpi.zh)} | ${kpi.numerator} / ${kpi.denominator} | ${formatRate(kpi.rate)} | ${formatTarget(kpi.target)} | ${formatVerdict(kpi.met)} | ${kpi.missed} | ${kpi.pending} |`);
  }
  lines.push('', `## Monthly trend, ${report.trend.months[0]?.slice(0, 4) ?? ''}`, '');
  lines.push(`| KPI | ${report.trend.months.map((month) => month.slice(5)).join(' | ')} |`, `| --- |${report.trend.months.map(() => ' ---: |').join('')}`);
  for (const series of report.trend.series) lines.push(`| ${text(series.kpi)} | ${series.rates.map(formatRate).join(' | ')} |`);
  lines.push('', '## Missed items and their evidence', '');
  if (report.missed.length === 0) lines.push('None: every item judged in the period hit its target.');
  for (const item of report.missed) {
    lines.push(`- **${text(item.kpi)}** ${text(item.itemId)}: ${text(item.reason.en)} (${text(item.reason.zh)})${item.deadline === null ? '' : `; deadline ${text(item.deadline)}`}`);
    for (const evidence of item.evidence) lines.push(`  - ${text(evidence.at)} ${text(evidence.type)} (${text(evidence.streamId)}@${evidence.revision})`);
  }
  lines.push('', '## Configuration in force', '');
  const rules = configuration.inForceAtAsOf;
  lines.push(
    `At ${text(query.asOf)}: receipt SLA ${rules.receiptSlaHours} h, budget execution floor ${formatRate(rules.executionFloor)}, acknowledgement window ${rules.acknowledgementWindowDays} days, job-description window ${rules.jobDescriptionWindowDays} days, turnover limits ${formatTurnoverLimits(rules)} (month / quarter / year), time zone ${text(rules.timeZone)}. Each item is judged with the version in force at its own time; the turnover limit of a period is the one in force at its start.`,
    '',
  );
  lines.push(
    '| effective from | receipt SLA (h) | execution floor | acknowledgement window (days) | job-description window (days) | turnover limit (month / quarter / year) | time zone |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const version of configuration.versions) {
    lines.push(
      `| ${text(version.effectiveFrom)} | ${version.receiptSlaHours} | ${formatRate(version.executionFloor)} | ${version.acknowledgementWindowDays} | ${version.jobDescriptionWindowDays} | ${formatTurnoverLimits(version)} | ${text(version.timeZone)} |`,
    );
  }
  lines.push('', '## Events that did not decode', '');
  if (report.undecodable.length === 0) lines.push('None: every department event of the log was read.');
  for (const event of report.undecodable) lines.push(`- ${text(event.streamId)}@${event.revision} ${text(event.type)}: ${text(event.problem)} (in no KPI)`);
  lines.push('');
  return lines.join('\n');
};
