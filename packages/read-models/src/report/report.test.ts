import * as E from 'fp-ts/lib/Either.js';
import { subjectPseudonym } from '@aftersales/core';
import { customerIdentifier } from '@aftersales/domain';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultKpiRules } from '../config.js';
import { kpiIds } from '../kpi-definitions.js';
import type { AuditReport } from './build.js';
import { buildAuditReport, renderReportJson } from './build.js';
import { simulatedLog } from './fixture.js';
import { renderReportHtml } from './render-html.js';
import { renderReportMarkdown } from './render-markdown.js';

let log: Awaited<ReturnType<typeof simulatedLog>>;
const asOf = '2026-12-31T23:59:59+08:00';

const build = async (query: Parameters<typeof buildAuditReport>[2] = { asOf }): Promise<AuditReport> => {
  const built = await buildAuditReport(log.store, log.verification, query);
  if (E.isLeft(built)) throw new Error(built.left);
  return built.right;
};
const renderAll = (report: AuditReport) => [renderReportJson(report), renderReportMarkdown(report), renderReportHtml(report)];

beforeAll(async () => {
  log = await simulatedLog();
}, 60_000);

describe('the audit report', () => {
  it('gives the eighteen KPIs against their targets, a monthly trend, the missed items with evidence, the rules and the verification', async () => {
    const report = await build();
    expect(report.query).toEqual({ period: '2026', asOf, knownAt: null });
    expect(report.kpis.map((kpi) => kpi.kpi)).toEqual([...kpiIds]);
    expect(report.kpis.find((kpi) => kpi.kpi === 'timelyReceipt')?.target).toEqual({ direction: 'atLeast', rate: 1 });
    expect(report.kpis.find((kpi) => kpi.kpi === 'suggestionAdoption')?.target).toEqual({ direction: 'atLeast', rate: 0.5 });
    expect(report.kpis.find((kpi) => kpi.kpi === 'staffTurnover')?.target).toEqual({ direction: 'atMost', rate: 0.15 });
    expect(report.trend.months).toHaveLength(12);
    expect(report.trend.series.map((series) => series.rates.length)).toEqual(kpiIds.map(() => 12));
    expect(report.verification).toMatchObject({ intact: true, problemCount: 0, eventCount: log.verification.eventCount });
    expect(report.configuration.inForceAtAsOf).toEqual(defaultKpiRules);
    expect(report.undecodable).toEqual([]);
    const missedTotal = report.kpis.reduce((sum, kpi) => sum + kpi.missed, 0);
    expect(report.missed).toHaveLength(missedTotal);
    expect(missedTotal).toBeGreaterThan(0);
    for (const item of report.missed) expect(item.evidence.length).toBeGreaterThan(0);
    const markdown = renderReportMarkdown(report);
    expect(markdown).toContain('| timelyReceipt | 接收及时完成率 |');
    expect(markdown).toMatch(/\| staffTurnover \| 员工流失率 \| \d+ \/ \d+ \| (?:[\d.]+%|—) \| ≤ 15% \|/);
    expect(markdown).toMatch(/\| suggestionAdoption \| 合理化建议采纳率 \| \d+ \/ \d+ \| (?:[\d.]+%|—) \| ≥ 50% \|/);
    expect(markdown).toContain('**Intact.**');
  });

  it('is byte-identical run after run for the same log', async () => {
    const first = renderAll(await build());
    const second = renderAll(await build());
    expect(second).toEqual(first);
  });

  it('counts business time with asOf and recorded time with knownAt', async () => {
    const full = await build({ asOf, period: '2026-Q2' });
    const earlier = await build({ asOf: '2026-05-15T00:00:00+08:00', period: '2026-Q2' });
    expect(earlier.kpis[0]!.denominator).toBeLessThan(full.kpis[0]!.denominator);
    const known = await build({ asOf, period: '2026-Q2', knownAt: '2026-05-15T00:00:00+08:00' });
    expect(known.log.eventsCounted).toBeLessThan(full.log.eventsCounted);
    expect(known.log.eventsRecordedAfterKnownAt).toBe(full.log.eventsCounted - known.log.eventsCounted);
    expect(known.kpis[0]!.denominator).toBeLessThan(full.kpis[0]!.denominator);
  });

  it('is unchanged when a customer is erased: no KPI depends on personal data, and none is in the report', async () => {
    const before = renderAll(await build());
    const secret = await log.keyStore.pseudonymSecret();
    if (E.isLeft(secret)) throw new Error(secret.left.message);
    const decoded = [];
    for await (const event of log.store.readAll({ filter: { eventTypes: ['RepairOrderReceived'] }, maxCount: 1 })) decoded.push(event);
    const phone = (decoded[0]!.data as { customer: { phone: string } }).customer.phone;
    const erased = await log.keyStore.eraseSubject(subjectPseudonym(secret.right, customerIdentifier(phone)), '2027-01-10T00:00:00Z');
    expect(E.isRight(erased) && erased.right.length).toBe(1);
    expect(renderAll(await build())).toEqual(before);
    expect(before.join('')).not.toContain(phone);
  });

  it('is a self-contained page: every script inline and a policy that forbids network requests', async () => {
    const html = renderReportHtml(await build());
    expect(html).toContain(`default-src 'none'`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src="(?!data:)/);
  });

  it('refuses an instant without an offset and an unknown period, saying which', async () => {
    expect(await buildAuditReport(log.store, log.verification, { asOf: '2026-12-31' })).toEqual(E.left(expect.stringContaining('--as-of')));
    expect(await buildAuditReport(log.store, log.verification, { asOf, period: '2026-13' })).toEqual(E.left(expect.stringContaining('2026-13')));
  });

  it('writes data from the log into report.md as characters, never as markup or terminal control', async () => {
    const report = await build();
    const [first, ...rest] = report.missed;
    const hostileId = 'RO-1](http://evil.example) | *x* <img src=x onerror=alert(1)>\u001b[2J\r\u202E';
    const forged: AuditReport = { ...report, missed: [{ ...first!, itemId: hostileId, evidence: first!.evidence.map((evidence) => ({ ...evidence, streamId: `RepairOrder-${hostileId}` })) }, ...rest] };
    const markdown = renderReportMarkdown(forged);
    expect(markdown).not.toMatch(/[^\P{Cc}\n]|\u202E/u);
    expect(markdown).not.toContain('<img');
    // A link needs an unescaped `](`.
    expect(markdown).not.toMatch(/[^\\]\]\(http:\/\/evil/);
    expect(markdown).toContain('RO-1\\](http://evil.example) \\| \\*x\\* &lt;img src=x onerror=alert(1)&gt;\\\\u{001B}\\[2J\\\\r\\\\u{202E}');
  });
});
