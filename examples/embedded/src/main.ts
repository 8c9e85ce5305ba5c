import { resolve } from 'node:path';
import { runEmbedded } from './embedded.js';

const path = resolve(process.argv[2] ?? 'embedded-example.db');
const { accepted, refused, kpis } = await runEmbedded(path);
console.log(`${accepted} commands accepted; refused: ${refused.length === 0 ? 'none' : refused.join('; ')}`);
console.log(`KPIs for 2026-03 (store: ${path}):`);
for (const kpi of kpis) {
  const rate = kpi.rate === null ? 'no items' : `${(kpi.rate * 100).toFixed(1)}% (${kpi.numerator}/${kpi.denominator})`;
  console.log(`  ${kpi.kpi.padEnd(24)} ${kpi.name.zh.padEnd(10, '　')} ${rate}`);
}
