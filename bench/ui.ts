/**
 * `npm run bench -- ui [--jobs N]`: seeds N jobs (default 100,000) into a data dir, starts
 * `gantry serve` on it without a worker, and opens the console's jobs page in headless Chromium.
 * Prints how long the page takes to paint and to show its first row, and frame times while the
 * table scrolls through (and keeps loading) pages of jobs. A benchmark, not a test: nothing is asserted.
 */
import { join } from 'node:path';
import { createCoordinator } from '../src/core';
import type { JobSubmitInput } from '../src/shared';
import type { FigureLog } from './lib/figures';
import { percentile } from './lib/stats';
import { makeTempDir } from './lib/tempDir';
import { startGantryServe } from '../test/e2e/support/gantryServe';
import { launchChromium } from '../test/e2e/support/browser';
import { buildWeb } from '../test/e2e/support/buildWeb';

const SCROLL_FRAMES = 600;
const SCROLL_PX_PER_FRAME = 120;

function seed(dataDir: string, count: number, log: FigureLog): void {
  const started = performance.now();
  const coordinator = createCoordinator({ dataDir, sweepIntervalMs: null });
  try {
    coordinator.createProject({ name: 'vision' });
    coordinator.createProject({ name: 'language' });
    const chunk = 10_000;
    for (let from = 0; from < count; from += chunk) {
      const specs: JobSubmitInput[] = [];
      for (let i = from; i < Math.min(count, from + chunk); i++) {
        specs.push({
          project: i % 3 === 0 ? 'vision' : 'language',
          name: `train lr=${(i % 7) * 1e-4} seed=${i % 11}`,
          command: ['python', 'train.py', '--lr', String((i % 7) * 1e-4), '--seed', String(i % 11)],
          params: { lr: (i % 7) * 1e-4, seed: i % 11 },
          priority: i % 5,
          requirements: { gpus: i % 4 === 0 ? 1 : 0, tags: i % 10 === 0 ? ['a100'] : [] },
        });
      }
      coordinator.submitBatch(specs);
    }
  } finally {
    coordinator.close();
  }
  log.record('ui_load.seed.jobs', count, 'jobs');
  log.record('ui_load.seed.duration', (performance.now() - started) / 1000, 's');
}

/** Runs in the page: marks when the first job row enters the DOM. */
const MARK_FIRST_ROW = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('[data-job-id]')) {
      window.__firstRowAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** Runs in the page: scrolls the table one step per animation frame and returns the frame intervals. */
const SCROLL = `(async ({ frames, px }) => {
  const body = document.querySelector('.table-body');
  const intervals = [];
  let last = performance.now();
  for (let i = 0; i < frames; i++) {
    body.scrollTop += px;
    const now = await new Promise((resolve) => requestAnimationFrame(resolve));
    intervals.push(now - last);
    last = now;
  }
  return { intervals, rows: document.querySelector('[role=grid]').getAttribute('aria-rowcount'), scrollTop: body.scrollTop };
})`;

export async function runUiBench(log: FigureLog, count: number): Promise<void> {
  const dir = makeTempDir('ui-load');
  buildWeb();
  seed(join(dir.path, 'data'), count, log);
  const gantry = await startGantryServe({ dataDir: join(dir.path, 'data'), localWorker: false });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.addInitScript(MARK_FIRST_ROW);
    await page.goto(`${gantry.url}/jobs?token=${gantry.token}`);
    await page.locator('[data-job-id]').first().waitFor({ timeout: 60_000 });
    const paint = (await page.evaluate(`(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { fcp: fcp ? fcp.startTime : null, firstRow: window.__firstRowAt ?? null };
    })()`)) as { fcp: number | null; firstRow: number | null };
    if (paint.fcp !== null) log.record('ui_load.jobs_page.first_contentful_paint', paint.fcp, 'ms');
    if (paint.firstRow !== null) log.record('ui_load.jobs_page.first_row', paint.firstRow, 'ms');

    const scroll = (await page.evaluate(`${SCROLL}(${JSON.stringify({ frames: SCROLL_FRAMES, px: SCROLL_PX_PER_FRAME })})`)) as {
      intervals: number[];
      rows: string;
      scrollTop: number;
    };
    const sorted = [...scroll.intervals].sort((a, b) => a - b);
    log.record('ui_load.scroll.frames', sorted.length, 'frames');
    log.record('ui_load.scroll.frame_p50', percentile(sorted, 50), 'ms');
    log.record('ui_load.scroll.frame_p95', percentile(sorted, 95), 'ms');
    log.record('ui_load.scroll.frame_p99', percentile(sorted, 99), 'ms');
    log.record('ui_load.scroll.frame_max', sorted[sorted.length - 1], 'ms');
    log.record('ui_load.scroll.frames_over_50ms', sorted.filter((t) => t > 50).length, 'frames');
    log.record('ui_load.scroll.rows_loaded', Number(scroll.rows), 'rows');
    log.record('ui_load.scroll.distance', scroll.scrollTop, 'px');
  } finally {
    await browser.close();
    await gantry.stop();
    dir.remove();
  }
}
