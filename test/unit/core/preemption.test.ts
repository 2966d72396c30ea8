import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openHarness, type Harness } from '../../support/coordinator';

let h: Harness;
beforeEach(() => (h = openHarness({ leaseTtlMs: 86_400_000, workerTimeoutMs: 86_400_000 })));
afterEach(() => h.cleanup());

const ONE_GPU = [{ index: 0, model: 'H100', memory_total_mb: 80_000 }];

function gpuBox(): string {
  return h.c.registerWorker({ name: 'gpu-box', cpus: 8, memory_mb: 32_000, gpus: ONE_GPU }).id;
}

/** A preemptible low-priority job running on the box, past its minimum runtime. */
function runningVictim(worker: string, spec: { priority?: number; min_runtime_s?: number; preemptible?: boolean } = {}) {
  const job = h.c.submit({ command: ['train'], priority: spec.priority ?? 0, preemptible: spec.preemptible ?? true, grace_s: 5, min_runtime_s: spec.min_runtime_s ?? 60, requirements: { gpus: 1 } });
  const [claimed] = h.c.claim(worker, { max: 1 });
  expect(claimed.job.id).toBe(job.id);
  return job;
}

describe('preemption', () => {
  it('tells the worker to checkpoint a lower-priority preemptible job and gives its GPU to the urgent one', () => {
    const w = gpuBox();
    const victim = runningVictim(w);
    h.clock.advance(61_000);
    const urgent = h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    const filler = h.c.submit({ command: ['small'], priority: 5, requirements: { gpus: 0, cpus: 1 } });
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt).toEqual([{ job_id: victim.id, attempt: 1, signal: 'SIGUSR1', grace_s: 5, by: urgent.id }]);
    expect(h.c.explain(urgent.id).summary).toContain(`will preempt #${victim.id} on gpu-box (grace 5 s)`);
    // The freed room is reserved: nothing else is handed out while the victim checkpoints.
    expect(h.c.claim(w, { max: 4 })).toEqual([]);
    h.c.finish(victim.id, { attempt: 1, outcome: 'succeeded', exit_code: 0, preempted: true });
    expect(h.c.getJob(victim.id)).toMatchObject({ state: 'queued', counted_attempts: 0, lost_attempts: 0, preempted_attempts: 1, priority: 0 });
    expect(h.c.listAttempts(victim.id)[0]).toMatchObject({ outcome: 'preempted', error: `preempted by #${urgent.id}`, preempted_by: urgent.id });
    expect(h.c.claim(w, { max: 4 }).map((c) => c.job.id)).toEqual([urgent.id]);
    expect(h.c.claim(w, { max: 4 }).map((c) => c.job.id)).toEqual([filler.id]);
    const types = h.c.eventsSince(0, 1000).filter((e) => e.job_id === victim.id).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['job.preempt_requested', 'job.preempted', 'job.requeued']));
  });

  it('preempts when the urgent job is submitted, not at the next sweep', () => {
    const w = gpuBox();
    const victim = runningVictim(w);
    h.clock.advance(61_000);
    const urgent = h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    expect(h.c.heartbeat(w, {}).preempt).toEqual([{ job_id: victim.id, attempt: 1, signal: 'SIGUSR1', grace_s: 5, by: urgent.id }]);
  });

  it('re-queues a preempted job whatever its exit and never fails it for being preempted often', () => {
    const w = gpuBox();
    const victim = runningVictim(w);
    for (let round = 1; round <= 5; round++) {
      h.clock.advance(61_000);
      const urgent = h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
      h.c.sweep();
      h.c.finish(victim.id, { attempt: round, outcome: 'failed', exit_code: null });
      expect(h.c.getJob(victim.id)).toMatchObject({ state: 'queued', counted_attempts: 0 });
      expect(h.c.claim(w, { max: 1 })[0].job.id).toBe(urgent.id);
      h.c.finish(urgent.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
      expect(h.c.claim(w, { max: 1 })[0].job.id).toBe(victim.id);
    }
  });

  it('does not preempt a job of equal priority', () => {
    const w = gpuBox();
    runningVictim(w);
    h.clock.advance(61_000);
    const same = h.c.submit({ command: ['same'], priority: 0, requirements: { gpus: 1 } });
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt).toEqual([]);
    expect(h.c.explain(same.id).reasons.find((r) => r.code === 'no_preemption')?.message).toMatch(/has equal priority \(0\)/);
  });

  it('does not preempt a job before its minimum runtime, and does once it has run that long', () => {
    const w = gpuBox();
    const victim = runningVictim(w, { min_runtime_s: 600 });
    h.clock.advance(599_000);
    const urgent = h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt).toEqual([]);
    expect(h.c.explain(urgent.id).summary).toContain(`no preemption: #${victim.id} is within its minimum runtime (preemptible in 1 s)`);
    h.clock.advance(1_000);
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt.map((p) => p.job_id)).toEqual([victim.id]);
  });

  it('does not preempt a job that is not preemptible', () => {
    const w = gpuBox();
    runningVictim(w, { preemptible: false });
    h.clock.advance(3_600_000);
    h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt).toEqual([]);
  });

  it('loses nothing when the coordinator restarts in the middle of a grace period', () => {
    const w = gpuBox();
    const victim = runningVictim(w);
    h.clock.advance(61_000);
    const urgent = h.c.submit({ command: ['deadline'], priority: 10, requirements: { gpus: 1 } });
    h.c.sweep();
    h.reopen();
    h.c.sweep();
    expect(h.c.heartbeat(w, {}).preempt).toEqual([{ job_id: victim.id, attempt: 1, signal: 'SIGUSR1', grace_s: 5, by: urgent.id }]);
    expect(h.c.claim(w, { max: 1 })).toEqual([]);
    h.c.finish(victim.id, { attempt: 1, outcome: 'failed', exit_code: null, preempted: true });
    expect(h.c.claim(w, { max: 1 }).map((c) => c.job.id)).toEqual([urgent.id]);
    expect(h.c.getJob(victim.id).state).toBe('queued');
  });

  it('lets an admin preempt a running job by hand, and refuses a job that is not running', () => {
    const w = gpuBox();
    const victim = runningVictim(w, { preemptible: false });
    h.c.preempt(victim.id);
    expect(h.c.heartbeat(w, {}).preempt).toEqual([{ job_id: victim.id, attempt: 1, signal: 'SIGUSR1', grace_s: 5, by: null }]);
    h.c.finish(victim.id, { attempt: 1, outcome: 'failed', exit_code: 143, preempted: true });
    expect(h.c.listAttempts(victim.id)[0].error).toBe('preempted by an admin');
    expect(() => h.c.preempt(victim.id)).toThrow(/queued; only a running job can be preempted/);
  });

  it('keeps a success that ended before the agent acted on the preemption', () => {
    const w = gpuBox();
    const victim = runningVictim(w);
    h.c.preempt(victim.id);
    h.c.finish(victim.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    expect(h.c.getJob(victim.id).state).toBe('succeeded');
  });

  it('refuses an unknown checkpoint signal, naming the field', () => {
    expect(() => h.c.submit({ command: ['x'], preemptible: true, checkpoint_signal: 'SIGFOO' as 'SIGUSR1' })).toThrow(/checkpoint_signal/);
  });

  it("fills a job's unset preemption fields from its project's defaults, its own fields winning", () => {
    h.c.createProject({ name: 'sweeps', preemption: { preemptible: true, grace_s: 30 } });
    expect(h.c.submit({ project: 'sweeps', command: ['a'] })).toMatchObject({ preemptible: true, checkpoint_signal: 'SIGUSR1', grace_s: 30, min_runtime_s: 600 });
    expect(h.c.submit({ project: 'sweeps', command: ['b'], preemptible: false, grace_s: 5 })).toMatchObject({ preemptible: false, grace_s: 5 });
    h.c.updateProject('sweeps', { preemption: { preemptible: null, min_runtime_s: 0 } });
    expect(h.c.submit({ project: 'sweeps', command: ['c'] })).toMatchObject({ preemptible: false, grace_s: 30, min_runtime_s: 0 });
    expect(h.c.submit({ command: ['d'] })).toMatchObject({ preemptible: false, grace_s: 120, min_runtime_s: 600 });
  });

  it('refuses a bad project default naming the field, and leaves the stored defaults as they were', () => {
    h.c.createProject({ name: 'sweeps', preemption: { grace_s: 30 } });
    expect(() => h.c.updateProject('sweeps', { preemption: { grace_s: -1 } })).toThrow(/preemption\.grace_s/);
    expect(h.c.getProject('sweeps').preemption).toMatchObject({ grace_s: 30 });
  });

  it('counts preemptions per project', () => {
    h.c.createProject({ name: 'sweeps' });
    const w = gpuBox();
    const victim = h.c.submit({ project: 'sweeps', command: ['train'], preemptible: true, min_runtime_s: 0, requirements: { gpus: 1 } });
    h.c.claim(w, { max: 1 });
    h.c.preempt(victim.id);
    h.c.finish(victim.id, { attempt: 1, outcome: 'failed', exit_code: null, preempted: true });
    expect(h.c.listProjects().map((p) => [p.name, p.preemptions])).toEqual([['default', 0], ['sweeps', 1]]);
    expect(h.c.operations.stats({ sinceMs: 86_400_000, by: 'project' }).preemptions).toEqual([{ project: 'sweeps', count: 1 }]);
  });

  it('names, at a heartbeat, the checkpoint directories whose jobs ended for good or are gone, and keeps those that may resume', () => {
    const w = gpuBox();
    const done = h.c.submit({ command: ['done'] });
    h.c.claim(w, { max: 1 });
    h.c.finish(done.id, { attempt: 1, outcome: 'succeeded', exit_code: 0 });
    const preempted = runningVictim(w);
    h.c.preempt(preempted.id);
    h.c.finish(preempted.id, { attempt: 1, outcome: 'failed', exit_code: null, preempted: true });
    const cancelled = h.c.submit({ command: ['cancelled'] });
    h.c.cancel(cancelled.id);
    const reply = h.c.heartbeat(w, { checkpoint_jobs: [preempted.id, done.id, cancelled.id, 9999] });
    expect(reply.drop_checkpoints.sort((a, b) => a - b)).toEqual([done.id, cancelled.id, 9999]);
  });
});
