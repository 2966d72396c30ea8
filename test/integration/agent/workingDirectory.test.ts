import { realpathSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, startTestCoordinator, stdoutText, type TestCoordinator } from '../cli/harness';
import { waitFor } from '../../support/waitFor';

describe('where a job submitted with the CLI runs', () => {
  let t: TestCoordinator;
  afterEach(async () => t.close());

  it('runs in the directory `gantry submit` was run from, on a worker on the same machine', async () => {
    t = await startTestCoordinator();
    await t.startWorker();
    // runGantry starts the CLI in the repository root, as `cd project && gantry submit` would.
    const submitted = await t.gantry(['submit', '--', 'pwd']);
    expect(submitted.code).toBe(0);
    const id = Number(stdoutText(submitted).trim());
    await waitFor(() => t.coordinator.getJob(id).state === 'succeeded', 'the job to succeed');
    expect(t.coordinator.getJob(id)).toMatchObject({ cwd: realpathSync(REPO_ROOT).replace(/\/$/, '') });
    expect(realpathSync(t.coordinator.readLog(id, 1).data.toString().trim())).toBe(realpathSync(REPO_ROOT));
  });

  it('fails the attempt with the reason when an explicit --cwd does not exist on the worker', async () => {
    t = await startTestCoordinator();
    await t.startWorker();
    const submitted = await t.gantry(['submit', '--cwd', '/nonexistent/project', '--', 'pwd']);
    const id = Number(stdoutText(submitted).trim());
    await waitFor(() => t.coordinator.getJob(id).state === 'failed', 'the job to fail');
    expect(t.coordinator.getJob(id).error).toBe('cwd /nonexistent/project does not exist on worker test-worker-1');
  });
});
