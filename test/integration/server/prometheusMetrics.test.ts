import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The value of one series in exposition text, matched by its name and exact label set. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(s: TestServer, token?: string): Promise<string> {
  const response = await s.call('GET', '/metrics', token);
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('text/plain');
  return response.body;
}

describe('GET /metrics', () => {
  it('counts jobs by state and project from the kept counts, and passes promtool check metrics', async () => {
    server = await createTestServer();
    server.coordinator.createProject({ name: 'vision' });
    server.coordinator.submit({ command: ['true'], project: 'vision' });
    server.coordinator.submit({ command: ['true'], project: 'vision' });
    const cancelled = server.coordinator.submit({ command: ['true'] });
    server.coordinator.cancel(cancelled.id);

    const text = await scrape(server, server.tokens.admin);
    expect(sample(text, 'gantry_jobs{project="vision",state="queued"}')).toBe(2);
    expect(sample(text, 'gantry_jobs{project="default",state="cancelled"}')).toBe(1);
    expect(sample(text, 'gantry_sqlite_database_bytes')).toBeGreaterThan(0);
    expect(text).toContain('gantry_event_loop_lag_seconds');

    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    expect(check.stderr + check.stdout).not.toMatch(/error/i);
    expect(check.status).toBe(0);
  });

  it('counts claims, finishes by outcome, lost attempts and the queue wait', async () => {
    server = await createTestServer();
    const { coordinator } = server;
    const worker = coordinator.registerWorker({ name: 'w1', cpus: 4, memory_mb: 8000 }).id;
    const a = coordinator.submit({ command: ['true'] });
    const b = coordinator.submit({ command: ['false'] });
    coordinator.submit({ command: ['sleep', '1'] });
    const claimed = coordinator.claim(worker, { max: 3 });
    expect(claimed).toHaveLength(3);
    coordinator.finish(a.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    coordinator.finish(b.id, { attempt: 1, outcome: 'failed', exit_code: 1 });
    coordinator.deregisterWorker(worker);

    const text = await scrape(server, server.tokens.admin);
    expect(sample(text, 'gantry_claims_total')).toBe(3);
    expect(sample(text, 'gantry_attempt_finishes_total{outcome="succeeded"}')).toBe(1);
    expect(sample(text, 'gantry_attempt_finishes_total{outcome="failed"}')).toBe(1);
    expect(sample(text, 'gantry_attempt_finishes_total{outcome="lost"}')).toBe(1);
    expect(sample(text, 'gantry_attempts_lost_total')).toBe(1);
    expect(sample(text, 'gantry_queue_wait_seconds_count')).toBe(3);
    expect(sample(text, 'gantry_workers{state="offline"}')).toBe(1);
  });

  it("counts agents' finish requests by whether the group commit shared their transaction", async () => {
    server = await createTestServer();
    const s = server;
    const workers = await Promise.all(['g1', 'g2'].map((name) => s.enrol(name, { cpus: 1 })));
    const running = workers.map((worker) => {
      const job = s.coordinator.submit({ command: ['true'] }).id;
      s.coordinator.claim(worker.id);
      return { worker, job };
    });
    const replies = await Promise.all(
      running.map(({ worker, job }) => s.call('POST', '/api/v1/jobs/finish', worker.credential, { results: [{ job_id: job, attempt: 1, outcome: 'succeeded', exit_code: 0 }], claim: { max: 1 } })),
    );
    expect(replies.map((reply) => reply.statusCode)).toEqual([200, 200]);
    const text = await scrape(s, s.tokens.admin);
    // Sent together they usually share one; either way each is counted once.
    expect((sample(text, 'gantry_finish_requests_total{transaction="shared"}') ?? 0) + (sample(text, 'gantry_finish_requests_total{transaction="own"}') ?? 0)).toBe(2);
  });

  it('counts preemptions per project from the stored attempts, so a restart keeps them', async () => {
    server = await createTestServer();
    const { coordinator } = server;
    coordinator.createProject({ name: 'sweeps' });
    const worker = coordinator.registerWorker({ name: 'w1', cpus: 4, memory_mb: 8000 }).id;
    const victim = coordinator.submit({ command: ['train'], project: 'sweeps', preemptible: true, min_runtime_s: 0 });
    coordinator.claim(worker, { max: 1 });
    coordinator.preempt(victim.id);
    coordinator.finish(victim.id, { attempt: 1, outcome: 'failed', exit_code: 143, preempted: true });

    const text = await scrape(server, server.tokens.admin);
    expect(sample(text, 'gantry_preemptions_total{project="sweeps"}')).toBe(1);
    expect(sample(text, 'gantry_attempt_finishes_total{outcome="preempted"}')).toBe(1);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status).toBe(0);
  });

  it('reports each live GPU by worker and index from its newest sample', async () => {
    server = await createTestServer();
    const { coordinator } = server;
    const gpus = [0, 1].map((index) => ({ index, model: 'NVIDIA H100', memory_total_mb: 81_559 }));
    const worker = coordinator.registerWorker({ name: 'gpu-box', cpus: 32, memory_mb: 256_000, gpus }).id;
    const beat = (util: number) =>
      coordinator.heartbeat(worker, {
        gpu_samples: [0, 1].map((index) => ({ index, utilization_pct: util + index, memory_used_mb: 1024, memory_total_mb: 81_559, temperature_c: 61, power_w: 300, model: 'NVIDIA H100' })),
      });
    beat(10);
    beat(50);

    const text = await scrape(server, server.tokens.admin);
    expect(sample(text, 'gantry_gpu_utilization_ratio{worker="gpu-box",gpu="1",model="NVIDIA H100"}')).toBeCloseTo(0.51);
    expect(sample(text, 'gantry_gpu_memory_used_bytes{worker="gpu-box",gpu="0",model="NVIDIA H100"}')).toBe(1024 * 1024 * 1024);
    expect(sample(text, 'gantry_gpu_temperature_celsius{worker="gpu-box",gpu="0",model="NVIDIA H100"}')).toBe(61);
    expect(sample(text, 'gantry_gpu_power_watts{worker="gpu-box",gpu="1",model="NVIDIA H100"}')).toBe(300);
  });

  it('times HTTP requests by route', async () => {
    server = await createTestServer();
    await server.call('GET', '/api/v1/jobs', server.tokens.read);
    const text = await scrape(server, server.tokens.admin);
    expect(sample(text, 'gantry_http_request_duration_seconds_count{method="GET",route="/api/v1/jobs",status="200"}')).toBe(1);
  });
});

describe('GET /metrics › who may scrape', () => {
  it('answers admin and metrics tokens, refuses read tokens with 403 and no token with 401', async () => {
    server = await createTestServer();
    const metricsToken = server.coordinator.createToken({ name: 'prometheus', scope: 'metrics' }).token;
    expect((await server.call('GET', '/metrics', metricsToken)).statusCode).toBe(200);
    expect((await server.call('GET', '/metrics', server.tokens.read)).statusCode).toBe(403);
    expect((await server.call('GET', '/metrics')).statusCode).toBe(401);
  });

  it('a metrics token reaches nothing else', async () => {
    server = await createTestServer();
    const metricsToken = server.coordinator.createToken({ name: 'prometheus', scope: 'metrics' }).token;
    expect((await server.call('GET', '/api/v1/jobs', metricsToken)).statusCode).toBe(403);
    expect((await server.call('GET', '/api/v1/workers', metricsToken)).statusCode).toBe(403);
  });

  it('with metricsOpen, answers loopback callers without a token but still asks remote ones for one', async () => {
    server = await createTestServer({ metricsOpen: true });
    const local = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const mapped = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '::ffff:127.0.0.1' });
    expect(mapped.statusCode).toBe(200);
    const remote = await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(401);
    // Open means /metrics only: the API still wants a token from loopback.
    expect((await server.app.inject({ method: 'GET', url: '/api/v1/jobs', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
  });

  it('without metricsOpen, loopback callers need a token too', async () => {
    server = await createTestServer();
    expect((await server.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401);
  });
});

describe('resources/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(readFileSync(new URL('../../../resources/grafana-dashboard.json', import.meta.url), 'utf8')) as {
    panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  };
  // Grafana's variables, as a dashboard user would have them set.
  const exprs = dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr.replaceAll('$__rate_interval', '5m').replace(/\$\w+/g, '.*')));

  it('queries only series the server exposes', async () => {
    server = await createTestServer();
    const gpus = [{ index: 0, model: 'T4', memory_total_mb: 15_360 }];
    const worker = server.coordinator.registerWorker({ name: 'w', cpus: 1, memory_mb: 1000, gpus }).id;
    server.coordinator.heartbeat(worker, { gpu_samples: [{ index: 0, utilization_pct: 1, memory_used_mb: 1, memory_total_mb: 15_360, temperature_c: 40, power_w: 30 }] });
    const text = await scrape(server, server.tokens.admin);
    const exposed = new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
    for (const name of exprs.flatMap((e) => e.match(/gantry_\w+/g) ?? [])) {
      expect(exposed, name).toContain(name.replace(/_(bucket|sum|count)$/, ''));
    }
  });

  it('is valid PromQL throughout (promtool check rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-dashboard-'));
    try {
      const rules = ['groups:', '  - name: dashboard', '    rules:', ...exprs.flatMap((expr, i) => [`      - record: dashboard:panel_${i}`, `        expr: ${JSON.stringify(expr)}`])];
      writeFileSync(join(dir, 'rules.yml'), `${rules.join('\n')}\n`);
      const check = spawnSync('promtool', ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(check.error).toBeUndefined();
      expect(check.status, check.stdout + check.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
