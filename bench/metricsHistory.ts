/**
 * `npm run bench -- metrics-history`: one job with 1,000,000 points of one metric (recorded in
 * batches of 10,000, as an agent sends them), then, over HTTP on loopback the way the console asks:
 * its chart (`?name=loss&points=1000`), its latest values (`?latest=1`), its 100 epochs of 10,000
 * points (`?by=epoch`), the first page of its plain listing (`?limit` left at 10,000) and its 51st
 * (the cursor of the 50th page: half way through), and a sweep of 20 such lines of 50,000 points each
 * (`/sweeps/:id/metrics?name=loss`). Goal: each query in tens of ms at 1M points (the chart p95 under 100 ms).
 */
import { createCoordinator, type Coordinator } from '../src/core';
import { startServer } from '../src/server';
import { DEFAULT_METRICS_PAGE } from '../src/shared';
import type { FigureLog } from './lib/figures';
import { elapsedMs, percentile, perSecond } from './lib/stats';
import { makeTempDir } from './lib/tempDir';

const POINTS = 1_000_000;
const BATCH = 10_000;
const SWEEP_JOBS = 20;
const SWEEP_POINTS = 50_000;
const REQUESTS = 100;
/** Points per epoch of the 1M-point job: 100 epochs. */
const EPOCH_POINTS = 10_000;
/** Rounds of the by-epoch and listing queries: fewer, as they once read every point (kept, so runs compare). */
const EPOCH_REQUESTS = 20;
/** The deep page is the one after this many pages of the listing. */
const DEEP_PAGES = 50;

/** A noisy decaying loss with rare spikes, the shape a chart must not flatten. */
const loss = (step: number): number => 2 / Math.sqrt(1 + step / 1000) + Math.sin(step * 12.9898) * 0.05 + (step % 99_991 === 0 ? 5 : 0);

function recordSeries(coordinator: Coordinator, jobId: number, count: number, start: number): void {
  for (let from = 0; from < count; from += BATCH) {
    const points = Array.from({ length: Math.min(BATCH, count - from) }, (_, i) => ({ step: from + i, epoch: Math.floor((from + i) / EPOCH_POINTS), name: 'loss', value: loss(from + i), at: start + (from + i) * 10 }));
    coordinator.recordMetrics(jobId, 1, points);
  }
}

async function timeRequests(url: string, token: string, check: (body: unknown) => boolean, requests = REQUESTS): Promise<number[]> {
  const once = async (): Promise<number> => {
    const start = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body: unknown = await response.json();
    if (response.status !== 200 || !check(body)) throw new Error(`${url}: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
    return elapsedMs(start);
  };
  for (let i = 0; i < 5; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < requests; i++) samples.push(await once());
  return samples;
}

/** The X-Next-Cursor after `pages` pages of a listing. */
async function cursorAfter(url: string, token: string, pages: number): Promise<string> {
  let cursor: string | null = null;
  for (let page = 0; page < pages; page++) {
    const response = await fetch(cursor ? `${url}?after=${cursor}` : url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    cursor = response.headers.get('x-next-cursor');
    if (!cursor) throw new Error(`${url}: the listing ended after ${page + 1} pages`);
  }
  return cursor as string;
}

export async function runMetricsHistoryBench(log: FigureLog): Promise<void> {
  const dir = makeTempDir('metrics-history');
  const coordinator = createCoordinator({ dataDir: dir.path, sweepIntervalMs: null });
  try {
    const job = coordinator.submit({ command: ['train'] });
    const start = performance.now();
    recordSeries(coordinator, job.id, POINTS, Date.now() - POINTS * 10);
    log.record('metrics.history.points', POINTS, 'points');
    log.record('metrics.history.record.points_per_s', perSecond(POINTS, elapsedMs(start)), 'points/s');

    const sweep = coordinator.sweeps.submit(
      { project: 'default', name: 'train', template: ['train', '--seed', '{seed}'], param_names: ['seed'], mode: 'grid' },
      Array.from({ length: SWEEP_JOBS }, (_, seed) => ({ command: ['train', '--seed', String(seed)], params: { seed } })),
    );
    for (const member of sweep.jobs) recordSeries(coordinator, member.id, SWEEP_POINTS, Date.now() - SWEEP_POINTS * 10);

    const token = coordinator.createToken({ name: 'bench', scope: 'read' }).token;
    const server = await startServer({ coordinator, logger: false });
    try {
      const base = `${server.url}/api/v1`;
      const chart = await timeRequests(`${base}/jobs/${job.id}/metrics?name=loss&points=1000`, token, (body) => Array.isArray(body) && body.length > 500 && body.length <= 1000);
      log.record('metrics.history.1m.p50_ms', percentile(chart, 50), 'ms');
      log.record('metrics.history.1m.p95_ms', percentile(chart, 95), 'ms');
      const latest = await timeRequests(`${base}/jobs/${job.id}/metrics?latest=1`, token, (body) => Array.isArray(body) && body.length === 1);
      log.record('metrics.history.1m.latest.p95_ms', percentile(latest, 95), 'ms');
      const epochs = await timeRequests(`${base}/jobs/${job.id}/metrics?by=epoch`, token, (body) => Array.isArray(body) && body.length === POINTS / EPOCH_POINTS, EPOCH_REQUESTS);
      log.record('metrics.history.1m.by_epoch.p50_ms', percentile(epochs, 50), 'ms');
      log.record('metrics.history.1m.by_epoch.p95_ms', percentile(epochs, 95), 'ms');
      const page = await timeRequests(`${base}/jobs/${job.id}/metrics`, token, (body) => Array.isArray(body) && body.length === DEFAULT_METRICS_PAGE, EPOCH_REQUESTS);
      log.record('metrics.history.1m.first_page.p50_ms', percentile(page, 50), 'ms');
      log.record('metrics.history.1m.first_page.p95_ms', percentile(page, 95), 'ms');
      const deep = await timeRequests(`${base}/jobs/${job.id}/metrics?after=${await cursorAfter(`${base}/jobs/${job.id}/metrics`, token, DEEP_PAGES)}`, token, (body) => Array.isArray(body) && body.length === DEFAULT_METRICS_PAGE, EPOCH_REQUESTS);
      log.record('metrics.history.1m.deep_page.p50_ms', percentile(deep, 50), 'ms');
      log.record('metrics.history.1m.deep_page.p95_ms', percentile(deep, 95), 'ms');
      const compare = await timeRequests(`${base}/sweeps/${sweep.sweep_id}/metrics?name=loss`, token, (body) => (body as { jobs?: unknown[] }).jobs?.length === SWEEP_JOBS);
      log.record('metrics.history.sweep20x50k.p95_ms', percentile(compare, 95), 'ms');
    } finally {
      await server.close();
    }
  } finally {
    coordinator.close();
    dir.remove();
  }
}
