import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { GantryClient } from '../../src/shared/client';
import { startGantryServe, type RunningGantry } from './support/gantryServe';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';

const SHOTS = screenshotDir();
const METRIC_JOB = `for i in 1 2 3 4 5 6 7; do echo "step $i"; echo "::metric {\\"step\\": $i, \\"loss\\": 0.$((9 - i))}"; done; sleep 2`;

/** Reads a CSS colour the page computed for an element. */
const colourOf = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);

// Skipped only off CI, as console.test.ts is: CI installs Chromium.
describe.skipIf(!hasChromium && !process.env.CI)('console defects of issue 13.19, in Chromium against a real gantry serve', () => {
  let gantry: RunningGantry;
  let browser: Browser;
  let page: Page;
  let client: GantryClient;
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    buildWeb();
    gantry = await startGantryServe();
    client = new GantryClient({ baseUrl: gantry.url, token: gantry.token });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // The page reports CSP violations as DOM events; collect them before any script of ours runs.
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(globalThis, { cspViolations: seen });
      const target = globalThis as unknown as { addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string }) => void): void };
      target.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
  });

  const collectViolations = async () => {
    cspViolations.push(...(await page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations)));
  };

  it('loads every page without a Content-Security-Policy violation', async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    for (const path of ['/jobs', '/workers', '/submit', '/settings', '/']) {
      await page.goto(`${gantry.url}${path}`);
      await page.locator('.page').first().waitFor();
      await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
      await collectViolations();
    }
    expect(cspViolations, consoleErrors.join('\n')).toEqual([]);
    expect(consoleErrors.filter((text) => /Content Security Policy|Refused to/.test(text))).toEqual([]);
  });

  it('shows a job\u2019s metric charts one click away, without scrolling past the log, and no text about unbuilt features', async () => {
    const job = await client.call('submitJob', { body: { name: 'metrics', command: { shell: METRIC_JOB } } });
    await page.goto(`${gantry.url}/jobs/${job.id}`);
    await page.getByTestId('job-detail').waitFor();
    await expect.poll(() => page.getByTestId('metrics-tab').textContent(), { timeout: 30_000 }).toBe('Metrics (1)');
    await page.getByTestId('metrics-tab').click();
    const line = page.locator('[data-testid="chart-loss"] .recharts-line').first();
    await line.waitFor({ timeout: 20_000 });
    // Reachable without scrolling: the chart's top is inside the first screen.
    const box = await page.getByTestId('chart-loss').boundingBox();
    expect(box?.y).toBeLessThan(900);
    // Round ticks: whole steps, and labels without float noise.
    const ticks = await page.locator('[data-testid="chart-loss"] .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks.length).toBeGreaterThan(2);
    for (const tick of ticks) expect(tick).toMatch(/^-?\d+(\.\d{1,3})?$/);
    await page.screenshot({ path: join(SHOTS, 'console-job-metrics-tab.png') });
    expect(await page.locator('body').textContent()).not.toMatch(/arrive with|artifacts issue/i);
  });

  it('shows the whole why-not-running sentence in the jobs table, and queued unlike cancelled', async () => {
    const stuck = await client.call('submitJob', { body: { name: 'needs-gpus', command: ['true'], requirements: { gpus: 64, tags: ['a-rather-long-tag-name'] } } });
    const cancelled = await client.call('submitJob', { body: { name: 'to-cancel', command: ['true'], requirements: { tags: ['nowhere'] } } });
    await client.call('cancelJob', { params: { id: cancelled.id } });
    await page.goto(`${gantry.url}/jobs`);
    const why = page.locator(`[data-job-id="${stuck.id}"] .why`);
    await expect.poll(() => why.textContent()).not.toBe('…');
    // Not cut off: the text fits its box (it may wrap onto a second line, never past the edge).
    const clipped = await why.evaluate((el) => {
      const e = el as unknown as { scrollWidth: number; clientWidth: number; scrollHeight: number; clientHeight: number };
      return e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1;
    });
    expect(clipped).toBe(false);
    const queued = await colourOf(page, `[data-job-id="${stuck.id}"] .badge`);
    const cancelledColour = await colourOf(page, `[data-job-id="${cancelled.id}"] .badge`);
    expect(queued).not.toBe(cancelledColour);
    await page.screenshot({ path: join(SHOTS, 'console-jobs-why.png') });
  });

  it('asks GPU memory in MB, as the CLI and the API do', async () => {
    await page.goto(`${gantry.url}/submit`);
    const label = await page.locator('[data-field="requirements.gpu_memory_mb"]').textContent();
    expect(label).toContain('MB');
    expect(label).not.toContain('GB');
    await page.getByLabel('Command', { exact: true }).fill('echo hi');
    await page.locator('[data-field="requirements.gpus"] input').fill('1');
    await page.locator('[data-field="requirements.gpu_memory_mb"] input').fill('8000');
    await page.locator('[data-field="requirements.gpus"] input').fill('64');
    await page.getByTestId('submit').click();
    await page.getByTestId('job-detail').waitFor();
    const id = Number(/\/jobs\/(\d+)/.exec(page.url())?.[1]);
    expect((await client.call('getJob', { params: { id } })).requirements.gpu_memory_mb).toBe(8000);
  });

  it('ticks running times on the Workers page, and counts events in Settings', async () => {
    await client.call('submitJob', { body: { name: 'sleeper', command: ['sleep', '30'] } });
    await page.goto(`${gantry.url}/workers`);
    const runningTime = page.getByTestId('running-time').first();
    await runningTime.waitFor({ timeout: 30_000 });
    const first = await runningTime.textContent();
    await expect.poll(() => runningTime.textContent(), { timeout: 10_000 }).not.toBe(first);
    await page.screenshot({ path: join(SHOTS, 'console-workers-ticking.png') });

    await page.goto(`${gantry.url}/settings`);
    const counter = page.getByTestId('events-received');
    await counter.waitFor();
    // The page opened a new socket that subscribes from now: an event sent before it is open is not this page's to count.
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor({ timeout: 30_000 });
    const before = await counter.textContent();
    await client.call('submitJob', { body: { name: 'one-more', command: ['true'] } });
    await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toMatch(/^[\d,]+ events? since this page opened/);
    expect(await counter.textContent()).not.toBe(before);
    await page.screenshot({ path: join(SHOTS, 'console-settings-events.png') });
  });

  it('starts the stopped local worker again from its card (13.12)', async () => {
    const [local] = await client.call('listWorkers');
    await client.call('stopWorker', { params: { id: local.id } });
    await expect.poll(async () => (await client.call('getWorker', { params: { id: local.id } })).state, { timeout: 20_000 }).toBe('offline');
    await page.goto(`${gantry.url}/workers`);
    const card = page.locator(`[data-worker-id="${local.id}"]`);
    await card.getByRole('button', { name: 'Start' }).click();
    await expect.poll(async () => (await client.call('getWorker', { params: { id: local.id } })).state, { timeout: 20_000 }).toBe('online');
    await expect.poll(() => card.locator('.badge').first().textContent()).toBe('online');
  });
});
