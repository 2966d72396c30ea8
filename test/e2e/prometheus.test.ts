import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantryServe, type RunningGantry } from './support/gantryServe';

const PROMETHEUS = '/usr/bin/prometheus';
const DEADLINE_MS = 45_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** Asks Prometheus a PromQL query until `accept` likes the answer or the deadline passes. */
async function queryUntil(promUrl: string, query: string, accept: (results: PromResult[]) => boolean): Promise<PromResult[]> {
  const deadline = Date.now() + DEADLINE_MS;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await response.json()) as { status: string; data?: { result: PromResult[] } };
      last = body;
      if (body.status === 'success' && body.data && accept(body.data.result)) return body.data.result;
    } catch (error) {
      last = error;
    }
    // Prometheus scrapes every second; poll a little faster than that.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no acceptable answer to ${query} within ${DEADLINE_MS} ms; last: ${JSON.stringify(last)}`);
}

// CI installs Debian's prometheus (.ci/run); elsewhere this says why it does not run.
describe.skipIf(!existsSync(PROMETHEUS))('a real Prometheus scraping gantry serve', () => {
  let gantry: RunningGantry;
  let prometheus: ChildProcess;
  let promUrl: string;
  let dir: string;

  beforeAll(async () => {
    gantry = await startGantryServe({ localWorker: false, extraArgs: ['--metrics-open'] });
    const created = await fetch(`${gantry.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gantry.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'prometheus', scope: 'metrics' }),
    });
    const metricsToken = ((await created.json()) as { token: string }).token;
    for (let i = 0; i < 3; i++) {
      await fetch(`${gantry.url}/api/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${gantry.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ command: ['true'], project: 'default' }),
      });
    }

    dir = mkdtempSync(join(tmpdir(), 'gantry-prometheus-'));
    writeFileSync(join(dir, 'metrics-token'), metricsToken, { mode: 0o600 });
    const target = new URL(gantry.url).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - job_name: open`,
        `    static_configs: [{ targets: ['${target}'] }]`,
        `  - job_name: token`,
        `    authorization: { credentials_file: '${join(dir, 'metrics-token')}' }`,
        `    static_configs: [{ targets: ['${target}'] }]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(PROMETHEUS, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus.once('exit', resolve));
      prometheus.kill('SIGTERM');
      await exited;
    }
    await gantry?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scrapes /metrics openly from loopback and with a metrics token, and answers PromQL about the queue', async () => {
    const up = await queryUntil(promUrl, 'up', (r) => r.length === 2 && r.every((s) => s.value[1] === '1'));
    expect(up.map((s) => s.metric.job).sort()).toEqual(['open', 'token']);
    const queued = await queryUntil(promUrl, 'sum by (job) (gantry_jobs{state="queued"})', (r) => r.length === 2);
    for (const series of queued) expect(Number(series.value[1])).toBe(3);
  });
});
