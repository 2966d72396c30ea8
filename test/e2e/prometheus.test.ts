import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGantryServe, type RunningGantry } from './support/gantryServe';
import { freePort } from '../support/cluster';
import { stopChild } from '../support/stopChild';
import { waitFor } from '../support/waitFor';

const PROMETHEUS = '/usr/bin/prometheus';
const DEADLINE_MS = 45_000;

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

/** Asks Prometheus a PromQL query until `accept` likes the answer or the deadline passes. */
async function queryUntil(promUrl: string, query: string, accept: (results: PromResult[]) => boolean): Promise<PromResult[]> {
  // Prometheus scrapes every second; waitFor polls faster than that and names the last answer when it gives up.
  return waitFor(async () => {
    const response = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { status: string; data?: { result: PromResult[] } };
    if (body.status === 'success' && body.data && accept(body.data.result)) return body.data.result;
    throw new Error(`last answer: ${JSON.stringify(body)}`);
  }, `an acceptable answer to ${query}`, DEADLINE_MS);
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
    if (prometheus) await stopChild(prometheus);
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
