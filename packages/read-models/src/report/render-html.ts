import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AuditReport } from './build.js';
import { formatRate, formatTarget, formatTurnoverLimits, formatVerdict } from './render-markdown.js';

/**
 * Chart.js's UMD bundle, read from the installed package: inlined into the page, so the report
 * needs no network, and pinned by the lockfile, so the same log gives the same bytes. It is an
 * optional peer dependency, looked up only here, so that only users of the HTML report install it.
 */
const chartLibrary = (() => {
  let source: string | undefined;
  return (): string => {
    if (source === undefined) {
      let entry: string;
      try {
        entry = createRequire(import.meta.url).resolve('chart.js');
      } catch (cause) {
        throw new Error('the HTML report inlines Chart.js, which is not installed: add chart.js@^4.5.0 to your dependencies', { cause });
      }
      source = readFileSync(join(dirname(entry), 'chart.umd.min.js'), 'utf8');
    }
    return source;
  };
})();

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** JSON that is safe inside a `<script>` element: no `</script>`, no HTML comment openers. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');

/** Eighteen distinguishable colours, one per KPI, in the order of the KPI list. */
const palette = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22',
  '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd', '#e6550d', '#31a354',
];

const style = `
body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", system-ui, sans-serif; margin: 24px; color: #1a1a1a; }
h1 { font-size: 22px; margin: 0 0 8px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.met { color: #1a7f37; font-weight: 600; }
.missed { color: #c62828; font-weight: 600; }
.none { color: #777; }
.verdict { padding: 8px 12px; border-radius: 4px; display: inline-block; font-weight: 600; }
.intact { background: #e6f4ea; color: #1a7f37; }
.tampered { background: #fdecea; color: #c62828; }
.query { color: #444; font-size: 13px; }
code { font-size: 12px; word-break: break-all; }
ul.evidence { margin: 2px 0 8px; font-size: 12px; color: #444; }
`;

const verdictClass = (met: boolean | null): string => (met === null ? 'none' : met ? 'met' : 'missed');

/**
 * The report as one self-contained page: its data, Chart.js and the code that draws two charts (the
 * eighteen rates as bars, each against its lower bound or upper limit, and the monthly trend as lines) all inline, and a
 * content security policy that forbids every network request. Tables carry the same figures as text.
 */
export const renderReportHtml = (report: AuditReport): string => {
  const { query, verification, configuration } = report;
  const parts: string[] = [];
  parts.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  parts.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`);
  parts.push(`<title>${escapeHtml(report.title)}</title>`, `<style>${style}</style>`, '</head>', '<body>');
  parts.push(`<h1>${escapeHtml(report.title)}</h1>`);
  parts.push(
    `<p class="query">Period <strong id="period">${escapeHtml(query.period)}</strong> · as of ${escapeHtml(query.asOf)} (business time) · known at ${escapeHtml(query.knownAt ?? 'everything recorded')} · ${report.log.eventsCounted} of ${report.log.eventsRead} department events replayed</p>`,
  );

  parts.push('<h2>Integrity of the log</h2>');
  parts.push(
    verification.intact
      ? `<p id="verification" class="verdict intact">Intact: ${verification.eventCount} events in ${verification.streamCount} streams; every hash, link and revision checked; ${verification.checkpoints} checkpoint(s)</p>`
      : `<p id="verification" class="verdict tampered">NOT INTACT: ${verification.problemCount} problem(s) in ${verification.eventCount} events</p>`,
  );
  parts.push(`<p>Anchor: <code>${escapeHtml(verification.anchor)}</code></p>`);
  if (verification.problems.length > 0) {
    parts.push('<table id="problems"><tr><th>problem</th><th>where</th><th>what</th></tr>');
    for (const problem of verification.problems) {
      const where = problem.revision < 0 ? problem.streamId : `${problem.streamId}@${problem.revision}`;
      parts.push(`<tr><td>${escapeHtml(problem.kind)}</td><td>${escapeHtml(where)}</td><td>${escapeHtml(problem.message)}</td></tr>`);
    }
    parts.push('</table>');
  }

  parts.push('<h2>KPIs against their targets (达标率)</h2>');
  parts.push('<canvas id="kpi-chart" width="1100" height="360" role="img" aria-label="The eighteen KPI rates against their targets: lower bounds and upper limits"></canvas>');
  parts.push('<p class="note">Counted: the hits of a KPI with a lower bound (≥), the misses (leavers) of one with an upper limit (≤).</p>');
  parts.push('<table id="kpis"><tr><th>KPI</th><th>中文</th><th>counted / items</th><th>rate</th><th>target</th><th>verdict</th><th>missed</th><th>pending</th></tr>');
  for (const kpi of report.kpis) {
    parts.push(
      `<tr data-kpi="${kpi.kpi}"><td>${kpi.kpi}</td><td>${escapeHtml(kpi.zh)}</td><td class="number">${kpi.numerator} / ${kpi.denominator}</td><td class="number">${formatRate(kpi.rate)}</td><td class="number" data-direction="${kpi.target.direction}">${escapeHtml(formatTarget(kpi.target))}</td><td class="${verdictClass(kpi.met)}">${formatVerdict(kpi.met)}</td><td class="number">${kpi.missed}</td><td class="number">${kpi.pending}</td></tr>`,
    );
  }
  parts.push('</table>');

  parts.push(`<h2>Monthly trend, ${escapeHtml(report.trend.months[0]?.slice(0, 4) ?? '')}</h2>`);
  parts.push('<canvas id="trend-chart" width="1100" height="420" role="img" aria-label="Monthly rate of each KPI"></canvas>');

  parts.push(`<h2>Missed items and their evidence (${report.missed.length})</h2>`);
  if (report.missed.length === 0) parts.push('<p id="missed">None: every item judged in the period hit its target.</p>');
  else {
    parts.push('<table id="missed"><tr><th>KPI</th><th>item</th><th>why</th><th>deadline</th><th>evidence</th></tr>');
    for (const item of report.missed) {
      const evidence = item.evidence.map((one) => `<li>${escapeHtml(one.at)} ${escapeHtml(one.type)} (${escapeHtml(`${one.streamId}@${one.revision}`)})</li>`).join('');
      parts.push(
        `<tr><td>${item.kpi}</td><td>${escapeHtml(item.itemId)}</td><td>${escapeHtml(item.reason.en)}<br>${escapeHtml(item.reason.zh)}</td><td>${escapeHtml(item.deadline ?? '—')}</td><td><ul class="evidence">${evidence}</ul></td></tr>`,
      );
    }
    parts.push('</table>');
  }

  parts.push('<h2>Configuration in force</h2>');
  const rules = configuration.inForceAtAsOf;
  parts.push(
    `<p id="configuration">At ${escapeHtml(query.asOf)}: receipt SLA ${rules.receiptSlaHours} h, budget execution floor ${formatRate(rules.executionFloor)}, acknowledgement window ${rules.acknowledgementWindowDays} days, job-description window ${rules.jobDescriptionWindowDays} days, turnover limits ${escapeHtml(formatTurnoverLimits(rules))} (month / quarter / year), time zone ${escapeHtml(rules.timeZone)}. Each item is judged with the version in force at its own time; the turnover limit of a period is the one in force at its start.</p>`,
  );
  parts.push(
    '<table><tr><th>effective from</th><th>receipt SLA (h)</th><th>execution floor</th><th>acknowledgement window (days)</th><th>job-description window (days)</th><th>turnover limit (month / quarter / year)</th><th>time zone</th></tr>',
  );
  for (const version of configuration.versions) {
    parts.push(
      `<tr><td>${escapeHtml(version.effectiveFrom)}</td><td class="number">${version.receiptSlaHours}</td><td class="number">${formatRate(version.executionFloor)}</td><td class="number">${version.acknowledgementWindowDays}</td><td class="number">${version.jobDescriptionWindowDays}</td><td class="number">${escapeHtml(formatTurnoverLimits(version))}</td><td>${escapeHtml(version.timeZone)}</td></tr>`,
    );
  }
  parts.push('</table>');
  parts.push('<h2>Events that did not decode</h2>');
  if (report.undecodable.length === 0) parts.push('<p id="undecodable">None: every department event of the log was read.</p>');
  else {
    parts.push('<ul id="undecodable">');
    for (const event of report.undecodable) parts.push(`<li>${escapeHtml(event.streamId)}@${event.revision} ${escapeHtml(event.type)}: ${escapeHtml(event.problem)} (in no KPI)</li>`);
    parts.push('</ul>');
  }

  const chartData = {
    kpis: report.kpis.map((kpi) => ({ kpi: kpi.kpi, zh: kpi.zh, rate: kpi.rate, target: kpi.target.rate, direction: kpi.target.direction, met: kpi.met })),
    months: report.trend.months,
    series: report.trend.series,
    palette,
  };
  parts.push(`<script id="report-data" type="application/json">${scriptJson(chartData)}</script>`);
  parts.push(`<script>${chartLibrary().replace(/<\/script/gi, '<\\/script')}</script>`);
  parts.push(`<script>${drawCharts}</script>`);
  parts.push('</body>', '</html>', '');
  return parts.join('\n');
};

/** Draws both charts from the inline data; no animation, so what a screenshot shows is final. */
const drawCharts = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var percent = function (rate) { return rate === null ? null : Math.round(rate * 1000) / 10; };
  Chart.defaults.animation = false;
  Chart.defaults.responsive = false;
  Chart.defaults.devicePixelRatio = 1;
  new Chart(document.getElementById('kpi-chart'), {
    data: {
      labels: data.kpis.map(function (k) { return k.kpi; }),
      datasets: [
        { type: 'bar', label: 'rate (%)', data: data.kpis.map(function (k) { return percent(k.rate); }),
          backgroundColor: data.kpis.map(function (k) { return k.met === null ? '#bdbdbd' : k.met ? '#4caf50' : '#e53935'; }) },
        { type: 'line', label: 'target, at least (%)', data: data.kpis.map(function (k) { return k.direction === 'atLeast' ? percent(k.target) : null; }),
          showLine: false, pointStyle: 'line', pointRadius: 24, pointBorderWidth: 3, borderColor: '#212121', backgroundColor: '#212121' },
        { type: 'line', label: 'upper limit, at most (%)', data: data.kpis.map(function (k) { return k.direction === 'atMost' ? percent(k.target) : null; }),
          showLine: false, pointStyle: 'line', pointRadius: 24, pointBorderWidth: 3, borderColor: '#b71c1c', backgroundColor: '#b71c1c' }
      ]
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } }, plugins: { legend: { position: 'bottom' } } }
  });
  new Chart(document.getElementById('trend-chart'), {
    type: 'line',
    data: {
      labels: data.months,
      datasets: data.series.map(function (s, i) {
        return { label: s.kpi, data: s.rates.map(percent), borderColor: data.palette[i], backgroundColor: data.palette[i], spanGaps: false, tension: 0 };
      })
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: '%' } } }, plugins: { legend: { position: 'right' } } }
  });
  document.body.setAttribute('data-charts', String(Chart.instances ? Object.keys(Chart.instances).length : 0));
})();
`;
