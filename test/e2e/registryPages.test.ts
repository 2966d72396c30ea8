import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { GantryClient } from '../../src/shared/client';
import { waitFor } from '../support/waitFor';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)('the Models and Datasets pages, and inputs on the Submit page, against a real gantry serve', () => {
  let gantry: RunningGantry;
  let browser: Browser;
  let page: Page;
  let client: GantryClient;
  let scratch: string;

  beforeAll(async () => {
    buildWeb();
    gantry = await startGantryServe();
    client = new GantryClient({ baseUrl: gantry.url, token: gantry.token });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('dialog', (dialog) => void dialog.accept());
    scratch = mkdtempSync(join(tmpdir(), 'gantry-e2e-registry-'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Clicks a Download button and answers the saved file's text. */
  async function downloaded(button: ReturnType<Page['getByRole']>): Promise<string> {
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const path = join(scratch, `download-${Date.now()}`);
    await download.saveAs(path);
    return readFileSync(path, 'utf8');
  }

  it('lists model versions with their job and metrics, downloads one and deletes it', async () => {
    const job = await client.call('submitJob', { body: { command: ['sh', '-c', 'printf weights > model.pt && echo \'::metric {"step": 1, "loss": 0.25}\''], cwd: scratch, outputs: ['model.pt'] } });
    await waitFor(async () => (await client.call('getJob', { params: { id: job.id } })).state === 'succeeded', 'the training job to succeed', 90_000);
    for (let i = 0; i < 2; i++) await client.call('registerModel', { body: { name: 'resnet', job_id: job.id, artifact: 'model.pt' } });

    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Models' }).click();
    const v1 = page.locator('[data-model="resnet@1"]');
    await v1.getByTestId('model-metrics').filter({ hasText: 'loss=0.25' }).waitFor();
    await page.locator('[data-model="resnet@2"]').waitFor();
    expect(await downloaded(v1.getByRole('button', { name: 'Download' }))).toBe('weights');
    await page.screenshot({ path: join(screenshotDir(), 'console-models.png') });
    await v1.getByRole('button', { name: 'Delete', exact: true }).click();
    await v1.waitFor({ state: 'detached' });
    expect((await client.call('listModels')).map((m) => m.version)).toEqual([2]);
  });

  it('uploads a CSV as a dataset, shows its rows and columns, downloads and deletes it', async () => {
    const csv = join(scratch, 'scores.csv');
    writeFileSync(csv, 'name,score\nada,3\nbob,4\n');
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Datasets' }).click();
    await page.getByLabel('Dataset file').setInputFiles(csv);
    await page.getByTestId('dataset-upload').getByRole('button', { name: 'Upload' }).click();
    const row = page.locator('[data-dataset="scores.csv"]');
    await row.getByTestId('dataset-shape').filter({ hasText: '2 rows × 2 columns' }).waitFor();
    await page.getByTestId('dataset-columns').filter({ hasText: 'name, score' }).waitFor();
    expect(await downloaded(row.getByRole('button', { name: 'Download' }))).toBe('name,score\nada,3\nbob,4\n');
    await page.screenshot({ path: join(screenshotDir(), 'console-datasets.png') });
    await row.getByRole('button', { name: 'Delete' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await client.call('listDatasets')).toEqual([]);
  });

  it('attaches a file on the Submit page: uploaded, staged into the job directory, read by the job', async () => {
    const notes = join(scratch, 'notes.txt');
    writeFileSync(notes, 'hello from the browser');
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Submit' }).click();
    await page.getByLabel('Command', { exact: true }).fill(`grep -q 'hello from the browser' notes.txt`);
    // The job runs elsewhere than the attached file lies, so only staging can put it there.
    const cwd = mkdtempSync(join(scratch, 'job-'));
    await page.locator('[data-field="cwd"] input').fill(cwd);
    await page.getByLabel('Attach input files').setInputFiles(notes);
    await page.getByTestId('attached-files').filter({ hasText: 'notes.txt' }).waitFor();
    await page.getByTestId('submit').click();
    await page.waitForURL(/\/jobs\/\d+$/);
    const id = Number(/\/jobs\/(\d+)$/.exec(page.url())?.[1]);
    await waitFor(async () => ['succeeded', 'failed'].includes((await client.call('getJob', { params: { id } })).state), 'the job to end', 90_000);
    const job = await client.call('getJob', { params: { id } });
    expect(job.state).toBe('succeeded');
    expect(job.inputs).toEqual([expect.objectContaining({ source: 'dataset:notes.txt', name: 'notes.txt', archive: null })]);
    expect(existsSync(join(cwd, 'notes.txt'))).toBe(false);
  });
});
