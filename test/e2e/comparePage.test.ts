import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../support/waitFor';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

const LRS = [0.1, 0.03, 0.01, 0.003, 0.001];
const SEEDS = [1, 2, 3, 4];
const STEPS = 60;
/** What each job prints: `STEPS` points of loss and acc; a higher lr learns faster, the seed shifts it a little. */
const SCRIPT = [
  'const [lr, seed] = process.argv.slice(1).map(Number);',
  `for (let step = 0; step < ${STEPS}; step++) {`,
  '  const loss = 1 / (1 + lr * 100 * step) + seed / 1000;',
  "  console.log('::metric ' + JSON.stringify({ step: step, epoch: Math.floor(step / 20), loss: loss, acc: 1 - loss }));",
  '}',
].join('\n');
const finalLoss = (lr: number, seed: number) => 1 / (1 + lr * 100 * (STEPS - 1)) + seed / 1000;

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)('the Compare page on a 20-job sweep in real Chromium', () => {
  let gantry: RunningGantry;
  let browser: Browser;
  let page: Page;
  let sweepId: number;

  const api = async (path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${gantry.url}/api/v1${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${gantry.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };

  beforeAll(async () => {
    buildWeb();
    gantry = await startGantryServe();
    const sweep = (await api('/jobs/sweep', { name: 'train', template: ['node', '-e', SCRIPT, '{lr}', '{seed}'], params: { lr: LRS, seed: SEEDS } })) as { sweep_id: number; count: number };
    expect(sweep.count).toBe(20);
    sweepId = sweep.sweep_id;
    await waitFor(
      async () => {
        const counts = (await api('/jobs/counts')) as { succeeded: number; failed: number };
        if (counts.failed > 0) throw new Error(`a sweep job failed:\n${gantry.output()}`);
        return counts.succeeded === 20;
      },
      'the 20 jobs of the sweep to succeed',
      240_000,
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
  });

  it('draws one line per job with a legend by params, and sorts the final values', async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.waitForURL(`**/compare/${sweepId}`);
    const chart = page.locator('[data-testid="compare-chart"][data-lines="20"]');
    await chart.waitFor({ timeout: 60_000 });
    // The first metric name alphabetically is acc; pick loss.
    await page.getByLabel('Metric').selectOption('loss');
    await page.locator('[data-testid="compare-chart"] h3', { hasText: 'loss' }).waitFor();
    expect(await chart.locator('.recharts-line').count()).toBe(20);
    const legend = await chart.locator('.recharts-legend-item-text').allTextContents();
    expect(new Set(legend)).toEqual(new Set(LRS.flatMap((lr) => SEEDS.map((seed) => `lr=${lr} seed=${seed}`))));

    const finals = () => page.locator('[data-testid="finals-table"] [data-testid="final-value"]').allTextContents();
    const expected = LRS.flatMap((lr) => SEEDS.map((seed) => finalLoss(lr, seed))).sort((a, b) => a - b);
    await waitFor(async () => (await finals()).length === 20, 'the table of final values', 30_000);
    expect((await finals()).map(Number)).toEqual(expected.map((v) => Number(v.toPrecision(6))));
    const headers = page.locator('[data-testid="finals-table"] th');
    expect((await headers.allTextContents()).map((text) => text.trim())).toEqual(['Job', 'lr', 'seed', 'State', 'Step', 'loss ▲', 'acc']);
    await headers.getByRole('button', { name: /^loss/ }).click();
    await waitFor(async () => Number((await finals())[0]) === Number(expected[19].toPrecision(6)), 'the table sorted highest first', 30_000);
    await page.screenshot({ path: join(screenshotDir(), 'console-compare.png'), fullPage: true });
  });

  it('switches the x axis to time', async () => {
    await page.getByLabel('X axis').selectOption('time');
    await page.locator('[data-testid="compare-chart"] h3', { hasText: 'seconds since the first point' }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid="compare-chart"][data-lines="20"] .recharts-line').count()).toBe(20);
  });

  it('exports every point of every job as CSV', async () => {
    await page.getByLabel('X axis').selectOption('step');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe(`sweep-${sweepId}-loss.csv`);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe('job_id,job,lr,seed,attempt,step,loss');
    expect(lines).toHaveLength(1 + 20 * STEPS);
  });
});
