import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCoordinator, stdoutText, type TestCoordinator } from './harness';

let t: TestCoordinator;
beforeAll(async () => {
  t = await startTestCoordinator();
});
afterAll(async () => {
  await t?.close();
});

describe('gantry submit --preemptible and gantry preempt', () => {
  it('submits a preemptible job with its checkpoint signal, grace and minimum runtime', async () => {
    const result = await t.gantry(['submit', '--preemptible', '--checkpoint-signal', 'USR2', '--grace', '30', '--min-runtime', '0', '--', 'train']);
    expect(result.code).toBe(0);
    expect(t.coordinator.getJob(Number(stdoutText(result).trim()))).toMatchObject({ preemptible: true, checkpoint_signal: 'SIGUSR2', grace_s: 30, min_runtime_s: 0 });
  });

  it('refuses an unknown checkpoint signal, naming the flag', async () => {
    const result = await t.gantry(['submit', '--preemptible', '--checkpoint-signal', 'SIGFOO', '--', 'train']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/--checkpoint-signal/);
  });

  it('says a queued job cannot be preempted', async () => {
    const job = t.coordinator.submit({ command: ['train'] });
    const result = await t.gantry(['preempt', String(job.id)]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/only a running job can be preempted/);
  });
});
