import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { GantryClient } from '../../src/shared/client';
import { waitFor } from '../support/waitFor';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)('the Suites page against a real gantry serve', () => {
  let gantry: RunningGantry;
  let browser: Browser;
  let page: Page;
  let client: GantryClient;

  beforeAll(async () => {
    buildWeb();
    gantry = await startGantryServe();
    client = new GantryClient({ baseUrl: gantry.url, token: gantry.token });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
  });

  it("shows a suite's counters, its workers and its setup output, and the suite on a job's page", async () => {
    await client.call('createSuite', { body: { name: 'evals', labels: { team: 'nlp' }, setup: { command: { shell: 'echo "venv ready in $GANTRY_SUITE_DIR"' } } } });
    const jobs = await Promise.all([1, 2].map((i) => client.call('submitJob', { body: { command: ['sh', '-c', `echo eval ${i}`], suite: 'evals' } })));
    await waitFor(async () => (await client.call('getSuite', { params: { suite: 'evals' } })).counts.succeeded === 2, 'both jobs of the suite to succeed', 90_000);

    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Suites' }).click();
    await page.getByRole('heading', { name: 'Suites', exact: true }).waitFor();
    const row = page.locator('[data-suite="evals"]');
    await row.getByTestId('suite-counts').filter({ hasText: '2/2 done' }).waitFor();
    await row.getByRole('button', { name: 'evals' }).click();
    await page.locator('[data-testid="suite-worker"][data-state="set_up"]').waitFor();
    const run = page.locator('[data-testid="hook-run"][data-outcome="succeeded"]');
    await run.getByRole('button', { name: /Output/ }).click();
    await page.getByTestId('hook-output').filter({ hasText: 'venv ready in /' }).waitFor();
    await page.getByTestId('suite-labels').filter({ hasText: 'team=nlp' }).waitFor();
    await page.screenshot({ path: join(screenshotDir(), 'console-suites.png') });

    // The page follows the live events (it no longer polls): a job submitted now shows up without a
    // reload. No worker has its tag, so it stays queued until the close cancels it.
    await client.call('submitJob', { body: { command: ['true'], suite: 'evals', requirements: { tags: ['nobody-has-this'] } } });
    await row.getByTestId('suite-counts').filter({ hasText: '2/3 done · 1 queued' }).waitFor();

    await row.getByRole('button', { name: 'Close' }).click();
    await page.getByTestId('suites-notice').filter({ hasText: 'Closed evals; 1 job not yet started cancelled.' }).waitFor();
    await row.getByTestId('suite-state').filter({ hasText: 'closed (hand)' }).waitFor();
    await row.getByTestId('suite-counts').filter({ hasText: '3/3 done · 0 queued' }).waitFor();

    // Closed elsewhere (the CLI): the suite.closed event updates the page.
    await client.call('createSuite', { body: { name: 'other' } });
    const other = page.locator('[data-suite="other"]');
    await other.getByTestId('suite-state').filter({ hasText: 'open' }).waitFor();
    await client.call('closeSuite', { params: { suite: 'other' } });
    await other.getByTestId('suite-state').filter({ hasText: 'closed (hand)' }).waitFor();

    await page.goto(`${gantry.url}/jobs/${jobs[0].id}`);
    expect(await page.getByTestId('job-suite').textContent({ timeout: 30_000 })).toBe('evals');
  });
});
