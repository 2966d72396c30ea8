import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hasChromium, launchChromium, screenshotDir } from './support/browser';
import { buildWeb } from './support/buildWeb';
import { REPO, startGantryServe, type RunningGantry } from './support/gantryServe';

const STANDIN = join(REPO, 'test', 'fixtures', 'kubectl');

// Skipped only off CI: CI installs Chromium, so there a missing browser must fail, not pass quietly.
describe.skipIf(!hasChromium && !process.env.CI)("the Hosts page's Kubernetes section against a real gantry serve and the stand-in kubectl", () => {
  let gantry: RunningGantry;
  let state: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    buildWeb();
    state = mkdtempSync(join(tmpdir(), 'gantry-kubectl-console-'));
    gantry = await startGantryServe({ localWorker: false, env: { PATH: `${STANDIN}:${process.env.PATH}`, KUBECTL_STANDIN_STATE: state, KUBECTL_STANDIN_CONTEXT: 'lab' } });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await gantry?.stop();
    if (state) rmSync(state, { recursive: true, force: true });
  });

  const section = () => page.getByRole('region', { name: 'Kubernetes clusters' });

  async function fillCluster(name: string, context: string): Promise<void> {
    await section().getByLabel('Kubernetes cluster name').fill(name);
    await section().getByLabel('Context').fill(context);
    await section().getByLabel('Namespace').fill('research');
    await section().getByLabel('Image').fill('python:3.12');
    await section().getByTestId('add-k8s-cluster').click();
  }

  it("shows kubectl's refusal of a context the kubeconfig does not have", async () => {
    await page.goto(gantry.consoleUrl);
    await page.getByRole('link', { name: 'Hosts' }).click();
    await section().getByRole('heading', { name: 'Kubernetes clusters' }).waitFor();
    await fillCluster('elsewhere', 'nope');
    await section().getByRole('alert').filter({ hasText: 'context nope: not a context of the kubeconfig' }).waitFor({ timeout: 60_000 });
    expect(await section().getByTestId('k8s-table').count()).toBe(0);
  });

  it('adds a cluster, whose bridge worker the coordinator starts by itself, and removes it', async () => {
    await fillCluster('lab-gpu', 'lab');
    const row = section().locator('[data-k8s-cluster="lab-gpu"]');
    await row.getByTestId('k8s-bridge').filter({ hasText: 'online' }).waitFor({ timeout: 60_000 });
    expect(await row.textContent()).toContain('research');
    await page.screenshot({ path: join(screenshotDir(), 'console-hosts-k8s.png') });
    const calls = readFileSync(join(state, 'calls.jsonl'), 'utf8');
    expect(calls).toContain('"can-i"');

    await row.getByRole('button', { name: 'Remove' }).click();
    await row.waitFor({ state: 'detached', timeout: 60_000 });
    const headers = { authorization: `Bearer ${gantry.token}` };
    expect(await (await fetch(`${gantry.url}/api/v1/k8s`, { headers })).json()).toEqual([]);
    expect(existsSync(join(state, 'unexpected.jsonl'))).toBe(false);
  });
});
