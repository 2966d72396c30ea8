import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { GantryClient } from '../../src/shared/client';
import { startGantryServe, type RunningGantry } from './support/gantryServe';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';

const SHOTS = screenshotDir();
/** The page scrolls inside its main pane, so long pages are shot with a taller window instead of fullPage. */
async function shot(page: Page, name: string, height = 900): Promise<void> {
  if (height !== 900) await page.setViewportSize({ width: 1400, height });
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`) });
  if (height !== 900) await page.setViewportSize({ width: 1400, height: 900 });
}

// Each job prints a line per step with a metric, so the terminal and the metrics chart have content.
const TEMPLATE = `sh -c 'echo "training lr={lr} seed={seed}"; for i in 1 2 3; do echo "step $i"; echo "::metric {\\"step\\": $i, \\"loss\\": 0.$((9 - i))}"; sleep 1; done'`;

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
if (!hasChromium) console.warn(`console end-to-end tests ${process.env.CI ? 'cannot run' : 'skipped'}: /usr/bin/chromium is missing (apt-get install chromium)`);
describe.skipIf(!hasChromium && !process.env.CI)('the console against a real gantry serve', () => {
  let gantry: RunningGantry;
  let browser: Browser;
  let page: Page;
  let client: GantryClient;

  beforeAll(async () => {
    buildWeb();
    gantry = await startGantryServe({
      nvidiaSmi: join(import.meta.dirname, 'support/varying-nvidia-smi.sh'),
      gpusFixture: 'h100-gpus.csv',
    });
    client = new GantryClient({ baseUrl: gantry.url, token: gantry.token });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
  });

  it('keeps the token from the address in the session and removes it from the address bar', async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(page.url()).not.toContain('token=');
    await page.locator('[data-testid="connection"][data-status="open"]').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('previews a sweep from the form and submits it', async () => {
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.getByRole('heading', { name: 'Submit' }).waitFor();
    await page.getByRole('button', { name: 'Template sweep' }).click();
    await page.getByLabel('Command template').fill(TEMPLATE);
    await page.getByLabel('Parameter 1 values').fill('1e-3, 3e-4');
    await page.getByLabel('Parameter 2 values').fill('1..2');
    await expect.poll(() => page.getByTestId('preview-count').textContent()).toBe('Creates 4 jobs');
    await expect.poll(() => page.getByTestId('preview').textContent()).toContain('training lr=1e-3 seed=1');
    await shot(page, 'submit', 1100);
    await page.getByTestId('submit').click();
    await page.getByRole('heading', { name: 'Jobs', exact: true }).waitFor();
  });

  it('shows the jobs go queued → running → succeeded live', async () => {
    const rows = page.locator('[data-testid="jobs-table"] [data-job-id]');
    await expect.poll(() => rows.count()).toBe(4);
    await page.locator('[data-job-id][data-state="running"]').first().waitFor({ timeout: 30_000 });
    await shot(page, 'jobs-running');
    await expect.poll(() => page.locator('[data-job-id][data-state="succeeded"]').count(), { timeout: 60_000 }).toBe(4);
    await shot(page, 'jobs');
  });

  it("opens a job and shows its log in the terminal, and its metrics", async () => {
    await page.locator('[data-job-id]').first().click();
    await page.getByTestId('job-detail').waitFor();
    await expect.poll(() => page.locator('[data-testid="log-terminal"] .xterm-rows').textContent(), { timeout: 20_000 }).toContain('step 3');
    expect(await page.locator('[data-testid="log-terminal"] .xterm-rows').textContent()).toContain('training lr=');
    await page.getByTestId('metrics-tab').click();
    await page.locator('[data-testid="chart-loss"] .recharts-line').first().waitFor({ timeout: 20_000 });
    await shot(page, 'job-detail', 1900);
  });

  it('cancels a running job from its page', async () => {
    const job = await client.call('submitJob', { body: { name: 'long', command: ['sh', '-c', 'echo started; sleep 300'] } });
    await page.goto(`${gantry.url}/jobs/${job.id}`);
    await page.locator('[data-testid="job-detail"][data-state="running"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid="log-terminal"] .xterm-rows').textContent(), { timeout: 20_000 }).toContain('started');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.locator('[data-testid="job-detail"][data-state="cancelled"]').waitFor({ timeout: 30_000 });
  });

  it('explains why a pending job is not running', async () => {
    const job = await client.call('submitJob', { body: { name: 'needs-tag', command: ['true'], requirements: { tags: ['nowhere'] } } });
    await page.goto(`${gantry.url}/jobs/${job.id}`);
    await page.getByTestId('explain').waitFor();
    expect(await page.getByTestId('explain').textContent()).toContain('nowhere');
    await page.goto(`${gantry.url}/jobs`);
    await expect.poll(() => page.locator(`[data-job-id="${job.id}"] .why`).textContent()).not.toBe('…');
  });

  it('shows an error toast with the API message and field when a submit is refused', async () => {
    await page.goto(`${gantry.url}/submit`);
    await page.getByLabel('Command', { exact: true }).fill('echo hi');
    await page.locator('[data-field="requirements.gpus"] input').fill('1000');
    await page.getByTestId('submit').click();
    const toast = page.locator('.toast.error');
    await toast.waitFor();
    expect(await toast.textContent()).toContain('requirements.gpus');
    await shot(page, 'submit-error');
  });

  it('draws GPU charts from the telemetry fixture', async () => {
    await page.goto(`${gantry.url}/workers`);
    await page.getByTestId('worker').first().waitFor();
    await page.locator('[data-testid^="gpu-charts-"] [data-testid="chart-Utilisation"] .recharts-line').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('gpu-tile').count()).toBe(2);
    // Wait for three live samples so the lines have a shape: a monotone line through n points has n - 1 curve segments.
    const curve = page.locator('[data-testid^="gpu-charts-"] [data-testid="chart-Utilisation"] .recharts-line-curve').first();
    await expect.poll(async () => ((await curve.getAttribute('d')) ?? '').split('C').length - 1, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await shot(page, 'workers');
  });

  it('shows the overview and the settings', async () => {
    await page.goto(`${gantry.url}/`);
    await page.getByTestId('gpu-tile').first().waitFor();
    await expect.poll(() => page.getByTestId('state-summary').textContent()).toMatch(/succeeded\s*4/);
    await shot(page, 'overview');
    await page.goto(`${gantry.url}/settings`);
    await page.getByRole('button', { name: 'Create token' }).waitFor();
    await page.getByLabel('Token name').fill('e2e-read');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByTestId('new-secret').waitFor();
    await expect.poll(() => page.getByTestId('data-dir').textContent()).toBe(gantry.dataDir);
    expect(await page.getByTestId('secrets').textContent()).toContain('protected only by file mode 0600');
    await shot(page, 'settings');
  });

  it('charts statistics, and runs maintenance and shows notification rules from the settings', async () => {
    await page.goto(`${gantry.url}/statistics`);
    await page.getByTestId('stats-totals').waitFor();
    await page.locator('[data-testid="chart-Jobs per hour"] .recharts-line').first().waitFor({ timeout: 30_000 });
    await page.getByTestId('chart-gpu-hours').waitFor();
    expect(await page.getByTestId('idle-now').textContent()).toContain('GPUs idle now');
    await shot(page, 'statistics');

    await client.call('addNotifyRule', { body: { on: 'failure', webhook: 'http://127.0.0.1:9/e2e-hook' } });
    await page.goto(`${gantry.url}/settings`);
    await page.getByRole('button', { name: 'Data dir statistics' }).click();
    await expect.poll(() => page.getByTestId('maintenance-stats').textContent(), { timeout: 30_000 }).toMatch(/\d+ job\(s\); database/);
    await expect.poll(() => page.getByTestId('notify-rules').textContent()).toContain('http://127.0.0.1:9/e2e-hook');
    await shot(page, 'settings-maintenance');
  });

  it('follows the dark colour scheme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${gantry.url}/jobs`);
    await page.locator('[data-job-id]').first().waitFor();
    // The callback runs in the page; the node-side typecheck has no DOM globals, hence the cast.
    const background = await page.locator('body').evaluate((body) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(body).backgroundColor);
    expect(background).toBe('rgb(15, 18, 22)');
    await shot(page, 'jobs-dark');
    await page.goto(`${gantry.url}/`);
    await page.getByTestId('gpu-tile').first().waitFor();
    await shot(page, 'overview-dark');
  });

  it('explains in a browser that the local terminal needs the desktop app', async () => {
    await page.goto(`${gantry.url}/terminal`);
    await page.getByText('The local terminal lives in the desktop app').waitFor();
  });

  it('wires the local terminal page to the desktop shell: keystrokes go out, output comes back', async () => {
    const shell = await browser.newPage();
    // Stands in for the preload's window.gantry.terminal (node-pty behind IPC), echoing what it is sent.
    await shell.addInitScript(({ serverUrl, token }) => {
      const listeners: Array<(id: string, data: string) => void> = [];
      const sent: string[] = [];
      let opened = 0;
      Object.assign(globalThis, {
        sentToShell: sent,
        gantry: {
          serverUrl,
          token,
          terminal: {
            open: async () => {
              const id = `t${++opened}`;
              setTimeout(() => listeners.forEach((l) => l(id, 'fake-shell$ ')), 0);
              return { id };
            },
            write: (id: string, data: string) => {
              sent.push(data);
              listeners.forEach((l) => l(id, data === '\r' ? '\r\nok\r\nfake-shell$ ' : data));
            },
            resize: () => undefined,
            close: () => undefined,
            onData: (listener: (id: string, data: string) => void) => {
              listeners.push(listener);
              return () => undefined;
            },
            onExit: () => () => undefined,
          },
        },
      });
    }, { serverUrl: gantry.url, token: gantry.token });
    try {
      await shell.goto(`${gantry.url}/terminal`);
      const rows = shell.locator('[data-testid="local-terminal"] .xterm-rows');
      await expect.poll(() => rows.textContent()).toContain('fake-shell$');
      await shell.locator('[data-testid="local-terminal"]').click();
      await shell.keyboard.type('ls');
      await shell.keyboard.press('Enter');
      await expect.poll(() => rows.textContent()).toContain('ok');
      expect(await shell.evaluate(() => (globalThis as unknown as { sentToShell: string[] }).sentToShell.join(''))).toBe('ls\r');
      await shell.screenshot({ path: join(SHOTS, 'console-terminal.png') });
    } finally {
      await shell.close();
    }
  });

  // Last: it takes the local worker away from the tests above.
  it('stops a worker from its card: the agent hands its jobs back and goes offline', async () => {
    await page.goto(`${gantry.url}/workers`);
    const card = page.getByTestId('worker').first();
    await card.waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await card.getByRole('button', { name: 'Stop' }).click();
    await expect.poll(async () => (await client.call('listWorkers', {}))[0].state, { timeout: 20_000 }).toBe('offline');
    // Offline workers fold away behind a checkbox; the card shows again with it ticked.
    await page.getByText('Show 1 offline').click();
    await expect.poll(() => page.getByTestId('worker').first().locator('.badge').textContent()).toBe('offline');
    await shot(page, 'workers-stopped');
  });
});
