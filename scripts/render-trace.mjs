// Draws the spans that `OTEL_TRACES_EXPORTER=console` wrote (JSON lines on stderr) as an SVG
// waterfall: each trace as a tree of spans on its own time axis, and each span link as an arrow to
// the span it names. Usage: node scripts/render-trace.mjs spans.jsonl > trace.svg
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: node scripts/render-trace.mjs <spans.jsonl> > trace.svg\n');
  process.exit(2);
}

const spans = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('{"span"'))
  .map((line) => JSON.parse(line).span);

const escape = (text) => String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const startOf = (span) => Date.parse(span.start);

// Rows in tree order: each trace's roots by start time, each span followed by its children.
const rows = [];
const traces = [...new Set(spans.map((span) => span.traceId))].sort(
  (a, b) => Math.min(...spans.filter((span) => span.traceId === a).map(startOf)) - Math.min(...spans.filter((span) => span.traceId === b).map(startOf)),
);
for (const traceId of traces) {
  const inTrace = spans.filter((span) => span.traceId === traceId);
  const ids = new Set(inTrace.map((span) => span.spanId));
  const place = (span, depth) => {
    rows.push({ span, depth, traceId });
    for (const child of inTrace.filter((one) => one.parentSpanId === span.spanId).sort((a, b) => startOf(a) - startOf(b))) place(child, depth + 1);
  };
  for (const root of inTrace.filter((span) => !ids.has(span.parentSpanId)).sort((a, b) => startOf(a) - startOf(b))) place(root, 0);
}

const rowHeight = 46;
const labelWidth = 370;
const gutter = 80;
const barsFrom = labelWidth + gutter;
const barWidth = 480;
const width = barsFrom + barWidth + 90;
const traceGap = 34;
const height = rows.length * rowHeight + traces.length * traceGap + 40;
const parts = [];
const yOf = new Map();
let y = 20;
let currentTrace;
for (const row of rows) {
  if (row.traceId !== currentTrace) {
    currentTrace = row.traceId;
    const rootParent = row.span.parentSpanId === undefined ? '' : ` · parent ${row.span.parentSpanId} (the caller's span)`;
    parts.push(`<text x="12" y="${y + 16}" class="trace">trace ${row.traceId}${escape(rootParent)}</text>`);
    y += traceGap;
  }
  const inTrace = spans.filter((span) => span.traceId === row.traceId);
  const first = Math.min(...inTrace.map(startOf));
  const last = Math.max(...inTrace.map((span) => startOf(span) + span.durationMs));
  const scale = barWidth / Math.max(1, last - first);
  const x = barsFrom + (startOf(row.span) - first) * scale;
  const barLength = Math.max(3, row.span.durationMs * scale);
  const failed = row.span.status?.code === 2;
  const attributes = Object.entries(row.span.attributes)
    .filter(([key]) => !key.startsWith('aftersales.command.type'))
    .map(([key, value]) => `${key.replace(/^aftersales\./, '')}=${value}`)
    .join('  ');
  parts.push(`<text x="${12 + row.depth * 18}" y="${y + 15}" class="name">${escape(row.span.name)}</text>`);
  parts.push(`<text x="${12 + row.depth * 18}" y="${y + 32}" class="attributes">${escape(attributes)}</text>`);
  parts.push(`<rect x="${x.toFixed(1)}" y="${y + 4}" width="${barLength.toFixed(1)}" height="16" rx="3" class="${failed ? 'failed' : `depth${Math.min(row.depth, 2)}`}"/>`);
  parts.push(`<text x="${(x + barLength + 6).toFixed(1)}" y="${y + 17}" class="duration">${row.span.durationMs.toFixed(2)} ms</text>`);
  yOf.set(row.span.spanId, y + 12);
  y += rowHeight;
}
for (const row of rows) {
  for (const link of row.span.links ?? []) {
    const target = yOf.get(link.spanId);
    if (target === undefined) continue;
    const from = yOf.get(row.span.spanId);
    const x = barsFrom - 6;
    parts.push(`<path d="M ${x} ${from} C ${x - 55} ${from}, ${x - 55} ${target}, ${x} ${target}" class="link" marker-end="url(#arrow)"/>`);
    parts.push(`<text x="${x - 38}" y="${(from + target) / 2 + 4}" class="linktext">link</text>`);
  }
}

process.stdout.write(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M 0 0 L 10 5 L 0 10 z" fill="#b45309"/></marker></defs>
<style>
.trace { font-size: 12px; fill: #374151; font-weight: bold; }
.name { font-size: 13px; fill: #111827; }
.attributes { font-size: 9.5px; fill: #6b7280; }
.duration { font-size: 10px; fill: #374151; }
.depth0 { fill: #2563eb; } .depth1 { fill: #60a5fa; } .depth2 { fill: #93c5fd; } .failed { fill: #dc2626; }
.link { fill: none; stroke: #b45309; stroke-width: 1.5; stroke-dasharray: 4 3; }
.linktext { font-size: 10px; fill: #b45309; }
</style>
<rect width="100%" height="100%" fill="white"/>
${parts.join('\n')}
</svg>
`);
