import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsReport } from '../../../src/shared';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
  const { coordinator } = t;
  coordinator.createProject({ name: 'vision' });
  const worker = coordinator.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: [{ index: 0, model: 'T4', memory_total_mb: 15_360 }] }).id;
  coordinator.submit({ project: 'vision', command: ['train'], requirements: { gpus: 1 } });
  coordinator.claim(worker, { max: 1 });
});
afterAll(async () => {
  await t?.close();
});

describe('gantry stats', () => {
  it('prints GPU-hours per project with the totals', async () => {
    const result = await t.gantry(['stats']);
    expect(result.code).toBe(0);
    const text = stdoutText(result);
    expect(text).toMatch(/^PROJECT\s+GPU-HOURS\s+IDLE\s+IDLE%\s+ATTEMPTS$/m);
    expect(text).toMatch(/^vision\s+[\d.]+\s+0\.00\s+0\.0%\s+1$/m);
    expect(text).toMatch(/^total: [\d.]+ GPU-hours since 7d ago/m);
  });

  it('groups by worker over the period given and prints JSON with --json', async () => {
    const result = await t.gantry(['stats', '--since', '24h', '--by', 'worker', '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(stdoutText(result)) as StatsReport;
    expect(report.by).toBe('worker');
    expect(report.until - report.since).toBe(24 * 3_600_000);
    expect(report.groups.map((g) => g.key)).toEqual(['gpu-box']);
  });

  it.each([
    [['--since', 'yesterday'], '--since yesterday'],
    [['--by', 'team'], '--by team'],
  ])('exits 2 on %j, naming the flag', async (args, named) => {
    const result = await t.gantry(['stats', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });
});
