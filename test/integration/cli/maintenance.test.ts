import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MaintenanceTask } from '../../../src/shared';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

describe('gantry maintenance', () => {
  it('prune --dry-run waits for the task and prints what would go', async () => {
    const result = await t.gantry(['maintenance', 'prune', '--older-than', '30', '--dry-run']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(stdoutText(result)).toMatch(/^would remove 0 finished job\(s\) older than 30d/);
    expect(stdoutText(result)).toMatch(/^jobs\s+0$/m);
  });

  it('health prints each check and takes thresholds; stats counts rows; ls lists what ran', async () => {
    const health = await t.gantry(['maintenance', 'health', '--threshold', 'disk_free_warn_mb=0', '--threshold', 'disk_free_fail_mb=0', '--json']);
    expect(health.code).toBe(0);
    const task = JSON.parse(stdoutText(health)) as MaintenanceTask;
    expect(task.state).toBe('succeeded');
    expect(task.params).toMatchObject({ thresholds: { disk_free_warn_mb: 0 } });
    expect(task.result?.checks.find((c) => c.name === 'disk free')?.status).toBe('ok');

    const stats = await t.gantry(['maintenance', 'stats']);
    expect(stdoutText(stats)).toMatch(/^rows_jobs\s+\d+$/m);

    const ls = await t.gantry(['maintenance', 'ls']);
    expect(stdoutText(ls)).toMatch(/^\s*\d+\s+stats\s+succeeded/m);
    const byApi = (await (await fetch(`${t.server.url}/api/v1/maintenance/tasks/${task.id}`, { headers: { authorization: `Bearer ${t.token}` } })).json()) as MaintenanceTask;
    expect(byApi).toMatchObject({ id: task.id, kind: 'health', state: 'succeeded' });
  });

  it('exits 2 on a bad threshold and 3 on a threshold the API refuses, naming it', async () => {
    const bad = await t.gantry(['maintenance', 'health', '--threshold', 'disk']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--threshold disk');
    const unknown = await t.gantry(['maintenance', 'health', '--threshold', 'shoe_size=3']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('shoe_size');
  });
});
