import { resolve } from 'node:path';
import { startTelemetry } from '@aftersales/service/telemetry';
import { runEmbedded } from './embedded.js';

// Traces and metrics as the OTEL_* variables ask (OTEL_TRACES_EXPORTER=console|otlp, …), console output on stderr.
const telemetry = await startTelemetry(process.env, process.stderr, 'aftersales-embedded-example');
const path = resolve(process.argv[2] ?? 'embedded-example.db');
const { accepted, refused, kpis } = await runEmbedded(path);
await telemetry.shutdown();
console.log(`${accepted} commands accepted; refused: ${refused.length === 0 ? 'none' : refused.join('; ')}`);
console.log(`KPIs for 2026-03 (store: ${path}):`);
for (const kpi of kpis) {
  const rate = kpi.rate === null ? 'no items' : `${(kpi.rate * 100).toFixed(1)}% (${kpi.numerator}/${kpi.denominator})`;
  console.log(`  ${kpi.kpi.padEnd(24)} ${kpi.name.zh.padEnd(10, '　')} ${rate}`);
}
