import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildAuditReport } from './build.js';
import { simulatedLog } from './fixture.js';
import { renderReportHtml } from './render-html.js';

/** Debian's Chromium; CI installs it (see `.ci/run`). */
const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCi = process.env['CI'] === 'true';
const screenshot = fileURLToPath(new URL('../../../../docs/report-screenshot.png', import.meta.url));

if (!available && !inCi) {
  console.warn(`report.browser.test.ts: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install chromium); CI fails instead of skipping`);
}

describe.runIf(available || inCi)('the audit report in headless Chromium', () => {
  let browser: Browser;
  let directory: string;
  let page: string;

  beforeAll(async () => {
    if (!available) throw new Error(`CI needs Chromium at ${CHROMIUM} to render the audit report (apt-get install chromium)`);
    const log = await simulatedLog();
    const report = await buildAuditReport(log.store, log.verification, { asOf: '2026-12-31T23:59:59+08:00' });
    if (E.isLeft(report)) throw new Error(report.left);
    directory = mkdtempSync(join(tmpdir(), 'aftersales-report-'));
    page = join(directory, 'report.html');
    writeFileSync(page, renderReportHtml(report.right));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('shows the verdict, the eighteen KPIs, both charts drawn, and asks the network for nothing', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 1500 } });
    const tab = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    tab.on('request', (request) => requests.push(request.url()));
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(page).href]);
    expect(await tab.locator('#verification').textContent()).toMatch(/^Intact: \d+ events in \d+ streams/);
    expect(await tab.locator('#kpis tr[data-kpi]').count()).toBe(18);
    expect(await tab.locator('#kpis tr[data-kpi="timelyReceipt"] td').nth(1).textContent()).toBe('接收及时完成率');
    expect(await tab.locator('body').getAttribute('data-charts')).toBe('2');
    // Each bar has its target drawn as a mark: a lower bound in black, the turnover's upper limit in red.
    expect(await tab.locator('#kpis tr[data-kpi="staffTurnover"] td[data-direction="atMost"]').textContent()).toBe('≤ 15%');
    expect(await tab.locator('#kpis tr[data-kpi="suggestionAdoption"] td[data-direction="atLeast"]').textContent()).toBe('≥ 50%');
    const targets = z.array(z.object({ label: z.string(), data: z.array(z.number().nullable()) })).parse(
      await tab.evaluate(`Object.values(Chart.instances).find((chart) => chart.canvas.id === 'kpi-chart').data.datasets.slice(1).map((set) => ({ label: set.label, data: set.data }))`),
    );
    expect(targets.map((set) => set.label)).toEqual(['target, at least (%)', 'upper limit, at most (%)']);
    expect(targets[0]!.data.filter((value) => value === 50)).toHaveLength(1);
    expect(targets[1]!.data.filter((value) => value !== null)).toEqual([15]);
    // Counts the painted pixels of each chart's canvas, in the page (where the DOM types live).
    const inked = z.array(z.number()).parse(
      await tab.evaluate(`['kpi-chart', 'trend-chart'].map((id) => {
        const canvas = document.getElementById(id);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let index = 3; index < pixels.length; index += 4) if (pixels[index] > 0) painted += 1;
        return painted;
      })`),
    );
    for (const painted of inked) expect(painted).toBeGreaterThan(5000);
    expect(await tab.locator('#missed tr').count()).toBeGreaterThan(1);

    // The screenshot in docs/ is refreshed on request only, so that test runs leave the tree clean.
    if (process.env['UPDATE_REPORT_SCREENSHOT'] === '1') await tab.screenshot({ path: screenshot, fullPage: false });
    await context.close();
  }, 60_000);
});
