import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runEmbedded } from './embedded.js';

const directory = mkdtempSync(join(tmpdir(), 'aftersales-embedded-'));
afterEach(() => rmSync(directory, { recursive: true, force: true }));

it('runs a repair order to its close on SQLite and reads the month KPIs; a second run appends nothing twice', async () => {
  const path = join(directory, 'example.db');
  const first = await runEmbedded(path);
  expect(first.accepted).toBe(13);
  expect(first.refused).toEqual([expect.stringMatching(/^RescheduleRepair: InvalidTransition/)]);
  const rate = (id: string) => first.kpis.find((kpi) => kpi.kpi === id);
  expect(rate('timelyReceipt')).toMatchObject({ numerator: 1, denominator: 1, met: true });
  expect(rate('customerSatisfaction')).toMatchObject({ numerator: 1, denominator: 1, met: true });
  expect(rate('budgetExecution')).toMatchObject({ denominator: 0, rate: null });

  const second = await runEmbedded(path);
  expect(second.kpis).toEqual(first.kpis);
});
