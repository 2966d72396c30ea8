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

  it('sets a project default that jobs without a say get, and --no-preemptible opts a job out', async () => {
    t.coordinator.createProject({ name: 'sweeps' });
    const set = await t.gantry(['projects', 'set', 'sweeps', '--preemptible', '--grace', '15']);
    expect(set.code).toBe(0);
    expect(stdoutText(set)).toMatch(/sweeps: preemptible, SIGUSR1\*, grace 15 s, min runtime 600 s\*/);
    const plain = await t.gantry(['submit', '--project', 'sweeps', '--', 'train']);
    expect(t.coordinator.getJob(Number(stdoutText(plain).trim()))).toMatchObject({ preemptible: true, grace_s: 15, min_runtime_s: 600 });
    const optedOut = await t.gantry(['submit', '--project', 'sweeps', '--no-preemptible', '--', 'train']);
    expect(t.coordinator.getJob(Number(stdoutText(optedOut).trim()))).toMatchObject({ preemptible: false, grace_s: 15 });
    const listed = await t.gantry(['projects', 'ls']);
    expect(stdoutText(listed)).toMatch(/sweeps\s+0\s+preemptible/);
    const reset = await t.gantry(['projects', 'set', 'sweeps', '--reset-preemption', '--json']);
    expect(JSON.parse(stdoutText(reset))).toMatchObject({ preemption: { preemptible: null, grace_s: null } });
  });

  it('says what to give when projects set has nothing to change', async () => {
    const result = await t.gantry(['projects', 'set', 'default']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/nothing to change/);
  });
});
