import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page, Request } from 'playwright-core';
import { killAgentUnder } from '../support/provisionHarness';
import { startSshd, type TestSshd } from '../support/sshd';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)('the Hosts page against a real gantry serve and sshd', () => {
  let gantry: RunningGantry;
  let sshd: TestSshd;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildWeb();
    [gantry, sshd] = await Promise.all([startGantryServe({ localWorker: false, env: { SSH_AUTH_SOCK: '' } }), startSshd()]);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    if (sshd) killAgentUnder(sshd.home);
    await browser?.close();
    await gantry?.stop();
    await sshd?.stop();
  });

  it('adds a host through the fingerprint dialog and shows it online', async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('heading', { name: 'Hosts', exact: true }).waitFor();
    await page.getByLabel('Host name').fill('lab');
    await page.getByLabel('SSH target').fill(`${sshd.user}@${sshd.host}:${sshd.port}`);
    await page.getByLabel('Key file').fill(sshd.identityFile);
    await page.getByTestId('add-host').click();

    const dialog = page.getByTestId('fingerprint-dialog');
    await dialog.waitFor();
    const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1];
    expect(await page.getByTestId('presented-fingerprint').textContent()).toBe(expected);
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts-fingerprint.png') });

    await page.getByTestId('trust-key').click();
    await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    await page.locator('[data-host="lab"] [data-testid="host-state"]', { hasText: 'online' }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts.png') });
  });

  it('follows the host state from live events: down and up from outside change its row with no reload or poll', async () => {
    const listings: string[] = [];
    const navigations: string[] = [];
    const onRequest = (request: Request) => {
      if (request.method() === 'GET' && new URL(request.url()).pathname.startsWith('/api/v1/hosts')) listings.push(request.url());
    };
    const onNavigated = (frame: Frame) => frame === page.mainFrame() && navigations.push(frame.url());
    page.on('request', onRequest);
    page.on('framenavigated', onNavigated);
    const row = (state: string) => page.locator('[data-host="lab"] [data-testid="host-state"]', { hasText: new RegExp(`^${state}$`) });
    try {
      // Changed by another client (this test through REST), not by the page's own buttons, which reload after acting.
      const call = (verb: string, body?: unknown) =>
        fetch(`${gantry.url}/api/v1/hosts/lab/${verb}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${gantry.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
      expect((await call('down', { now: true })).status).toBe(200);
      await row('ready').waitFor({ timeout: 60_000 });
      expect((await call('up')).status).toBe(200);
      await row('online').waitFor({ timeout: 60_000 });
    } finally {
      page.off('request', onRequest);
      page.off('framenavigated', onNavigated);
    }
    // Before host.* events the page learnt of these changes only by reloading its list.
    expect(listings).toEqual([]);
    expect(navigations).toEqual([]);
  });

  it('opens a shell on the host in a terminal panel, where a typed command runs', async () => {
    await page.locator('[data-host="lab"]').getByRole('button', { name: 'Shell' }).click();
    const panel = page.getByTestId('host-shell');
    await panel.getByTestId('host-shell-state').filter({ hasText: 'open' }).waitFor({ timeout: 60_000 });
    await panel.locator('.xterm').click();
    await page.keyboard.type('echo web-$((6*7))\n');
    await panel.locator('.xterm-rows', { hasText: 'web-42' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts-shell.png') });
    await page.keyboard.type('exit\n');
    await panel.locator('.xterm-rows', { hasText: 'shell exited with 0' }).waitFor({ timeout: 30_000 });
  });

  it('submits from the Submit page to the host with a synced directory, and the job runs in the copy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-console-sync-'));
    writeFileSync(join(dir, 'marker.txt'), 'synced-from-the-console\n');
    await page.goto(`${gantry.url}/submit`);
    await page.getByLabel('Command', { exact: true }).fill('cat marker.txt');
    await page.locator('[data-field="host"] input').fill('lab');
    await page.locator('[data-field="sync"] input').fill(dir);
    await page.getByTestId('submit').click();
    await page.waitForURL(/\/jobs\/\d+$/, { timeout: 60_000 });
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const headers = { authorization: `Bearer ${gantry.token}` };
    await expect
      .poll(async () => ((await (await fetch(`${gantry.url}/api/v1/jobs/${id}`, { headers })).json()) as { state: string }).state, { timeout: 60_000 })
      .toBe('succeeded');
    const job = (await (await fetch(`${gantry.url}/api/v1/jobs/${id}`, { headers })).json()) as { cwd: string; requirements: { tags: string[] } };
    expect(job.cwd).toContain('.gantry/sync/');
    expect(job.requirements.tags).toContain('host:lab');
    const log = await (await fetch(`${gantry.url}/api/v1/jobs/${id}/attempts/1/log`, { headers })).text();
    expect(log).toContain('synced-from-the-console');
  });
});
