/**
 * Opt-in end-to-end test of the desktop app with Playwright's `_electron` launcher. It needs the
 * Electron binary (absent on our build machines, where it cannot be downloaded), a display on
 * Linux (run under xvfb-run in CI), and `npm run build:app` first. Missing any of these, it skips
 * and says which.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Finds the binary the way node_modules/electron does, without its download-on-require fallback. */
function electronBinary(): string | null {
  const pkg = resolve('node_modules/electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist');
  const binary = join(dist, relative);
  return existsSync(binary) ? binary : null;
}

function skipReason(binary: string | null): string | null {
  if (!binary) return 'the Electron binary is not installed (node_modules/electron/path.txt or dist/ missing); run `npx install-electron` on a machine with network access';
  if (!existsSync(resolve('out/main/index.js'))) return 'the app is not built; run `npm run build:app` first';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'no display; run under xvfb-run';
  return null;
}

/** What page.evaluate sees; this file is typechecked without the DOM library. */
type PageGlobals = {
  gantry?: { token?: string };
  require?: unknown;
  history: { pushState(data: unknown, unused: string, url: string): void };
  dispatchEvent(event: Event): boolean;
};

const binary = electronBinary();
const reason = skipReason(binary);
if (reason) console.log(`[e2e/electron] skipped: ${reason}`);

describe.skipIf(reason !== null)('desktop app', () => {
  let app: ElectronApplication;
  let page: Page;
  let userData = '';

  beforeAll(async () => {
    userData = mkdtempSync(join(tmpdir(), 'gantry-e2e-electron-'));
    app = await electron.launch({
      executablePath: binary ?? undefined,
      args: [resolve('.')],
      env: { ...process.env, GANTRY_USER_DATA: userData } as Record<string, string>,
    });
    page = await app.firstWindow();
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    rmSync(userData, { recursive: true, force: true });
  });

  it('opens on the overview, served by the embedded server with the token from the preload', async () => {
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await page.evaluate(() => Boolean((globalThis as unknown as PageGlobals).gantry?.token))).toBe(true);
    // nodeIntegration off: the page has no require.
    expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).require)).toBe('undefined');
  });

  it('runs a job submitted from the UI on the local worker until it succeeds', async () => {
    await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      page.history.pushState(null, '', '/submit');
      page.dispatchEvent(new Event('gantry:navigate'));
    });
    await page.getByRole('textbox', { name: 'Command', exact: true }).fill('echo hello-from-e2e');
    await page.getByTestId('submit').click();
    await page.waitForURL(/\/jobs\/\d+$/);
    await page.locator('[data-state="succeeded"]').first().waitFor({ timeout: 60_000 });
  }, 90_000);
});
