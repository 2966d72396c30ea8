import { afterEach, describe, expect, it } from 'vitest';
import { ErrorBody, StatsReport } from '../../../src/shared';
import { createTestServer, type TestServer } from './testServer';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('GET /api/v1/stats', () => {
  it('reports GPU-hours per worker for the period asked', async () => {
    server = await createTestServer();
    const { coordinator } = server;
    const worker = coordinator.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: [{ index: 0, model: 'T4', memory_total_mb: 15_360 }] }).id;
    coordinator.submit({ command: ['train'], requirements: { gpus: 1 } });
    expect(coordinator.claim(worker, { max: 1 })).toHaveLength(1);

    const response = await server.call('GET', '/api/v1/stats?since=24h&by=worker', server.tokens.read);
    expect(response.statusCode).toBe(200);
    const report = StatsReport.parse(response.json());
    expect(report.by).toBe('worker');
    expect(report.until - report.since).toBe(24 * 3_600_000);
    expect(report.groups.map((g) => [g.key, g.attempts])).toEqual([['gpu-box', 1]]);
    expect(report.idle_rule).toEqual({ threshold_pct: 2, minutes: 15 });
  });

  it.each([
    ['since=7x', 'since'],
    ['since=0d', 'since'],
    ['by=team', 'by'],
  ])('refuses %s naming the field', async (query, field) => {
    server = await createTestServer();
    const response = await server.call('GET', `/api/v1/stats?${query}`, server.tokens.admin);
    expect(response.statusCode).toBe(400);
    expect(ErrorBody.parse(response.json()).error.field).toBe(field);
  });

  it('GET /api/v1/stats/idle-gpus › lists nothing on a fleet with no idle GPU', async () => {
    server = await createTestServer();
    const response = await server.call('GET', '/api/v1/stats/idle-gpus', server.tokens.read);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual([]);
  });
});
