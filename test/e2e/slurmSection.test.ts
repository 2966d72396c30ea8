import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createCoordinator } from '../../src/core';
import { startSshd, type TestSshd } from '../support/sshd';
import { startSlurm, type TestSlurm } from '../integration/slurm/support/slurmCluster';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

/**
 * The login node is seeded into the data dir before `gantry serve` starts (a host with its key
 * trusted, no agent of its own), as the Hosts page itself is covered by hostsPage.test.ts.
 */
function seedLoginHost(dataDir: string, sshd: TestSshd): void {
  const coordinator = createCoordinator({ dataDir });
  try {
    coordinator.hosts.save({ name: 'login', ssh: { user: sshd.user, host: sshd.host, port: sshd.port }, identity_file: sshd.identityFile });
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1];
    coordinator.hosts.trustKey(sshd.host, sshd.port, 'ssh-ed25519', fingerprint);
  } finally {
    coordinator.close();
  }
}

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)('the Hosts page\'s Slurm section against a real gantry serve and Slurm', () => {
  let slurm: TestSlurm;
  let sshd: TestSshd;
  let gantry: RunningGantry;
  let dataDir: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildWeb();
    slurm = await startSlurm();
    sshd = await startSshd({ env: slurm.env });
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-e2e-slurm-'));
    seedLoginHost(dataDir, sshd);
    gantry = await startGantryServe({ dataDir, localWorker: false, env: { SSH_AUTH_SOCK: '' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    // Slurm first: its jobs (the pilots) end before the coordinator they talk to.
    await slurm?.stop();
    await gantry?.stop();
    await sshd?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const row = () => page.locator('[data-cluster="pg"]');

  it('adds a cluster and shows its pilot pending in Slurm with the reason, then registered as a worker', async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await page.getByRole('heading', { name: 'Slurm clusters' }).waitFor();
    // Other sections of the page (Kubernetes clusters) have fields of similar names.
    const section = page.getByRole('region', { name: 'Slurm clusters' });
    await section.getByLabel('Cluster name', { exact: true }).fill('pg');
    await section.getByLabel('Login host', { exact: true }).fill('login');
    await section.getByLabel('Max pilots', { exact: true }).fill('1');
    await section.getByTestId('add-slurm-cluster').click();
    await row().waitFor({ timeout: 120_000 });
    await expect.poll(async () => row().locator('td').nth(1).textContent(), { timeout: 30_000 }).toBe('login');
    expect(await row().getByText('none').count()).toBe(1);

    // Every CPU of the one node held by another Slurm job: the pilot waits for Resources.
    const blocker = (await slurm.command(['sbatch', '--parsable', '--exclusive', '-o', '/dev/null', '--wrap', 'sleep 600'])).trim();
    const headers = { authorization: `Bearer ${gantry.token}`, 'content-type': 'application/json' };
    const submitted = (await (await fetch(`${gantry.url}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ name: 'on-a-pilot', command: ['true'], requirements: { tags: ['slurm:pg'] } }) })).json()) as { id: number };
    const pilots = row().getByTestId('slurm-pilots');
    await pilots.getByText('PENDING').waitFor({ timeout: 120_000 });
    await pilots.getByText('(Resources)').waitFor({ timeout: 60_000 });
    expect(await pilots.textContent()).toMatch(/\d+_0 PENDING \(Resources\) not registered/);
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts-slurm-pending.png') });

    await slurm.command(['scancel', blocker]);
    // The pilot may register before the next squeue pass shows it running: wait for both.
    await expect.poll(async () => pilots.textContent(), { timeout: 120_000 }).toMatch(/\d+_0 RUNNING worker pg-\d+_0/);
    await expect
      .poll(async () => ((await (await fetch(`${gantry.url}/api/v1/jobs/${submitted.id}`, { headers })).json()) as { state: string }).state, { timeout: 60_000 })
      .toBe('succeeded');
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts-slurm.png') });
  });

  it('removes the cluster, cancelling its pilot', async () => {
    page.once('dialog', (dialog) => void dialog.accept());
    await row().getByRole('button', { name: 'Remove' }).click();
    await row().waitFor({ state: 'detached', timeout: 60_000 });
    await expect.poll(async () => (await slurm.command(['squeue', '-h', '-o', '%i'])).trim(), { timeout: 60_000 }).toBe('');
  });
});
