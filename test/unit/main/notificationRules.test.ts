import { describe, expect, it } from 'vitest';
import type { Job, JobState, QueueEvent } from '../../../src/shared';
import { createNotificationRules } from '../../../src/main/notifications/notificationRules';

function makeJob(overrides: Partial<Job> = {}): Job {
  return {
    id: 1, project: 'vision', name: 'train', command: ['python', 'train.py'], cwd: null, env: {}, params: {}, priority: 0,
    requirements: { cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] },
    depends_on: [], max_attempts: 1, max_lost_attempts: 3, timeout_s: null, retry_delay_s: 0, retry_backoff: false, state: 'queued', attempt: 1,
    counted_attempts: 1, lost_attempts: 0, retry_at: null, worker_id: null, exit_code: null,
    error: null, created_at: 1000, started_at: null, finished_at: null, ...overrides,
  };
}

let eventId = 0;
function event(type: QueueEvent['type'], jobId: number): QueueEvent {
  return { id: ++eventId, at: 0, type, job_id: jobId, worker_id: null, data: {} };
}

function setup(options: { maxPerWindow?: number } = {}) {
  let t = 0;
  const rules = createNotificationRules({ now: () => t, windowMs: 1000, dedupeMs: 5000, ...options });
  return { rules, advance: (ms: number) => { t += ms; } };
}

const final = (job: Job, state: JobState) => ({ ...job, state });

describe('notification rules', () => {
  it('notifies a job that failed for good, with the job to open on click', () => {
    const { rules } = setup();
    const job = makeJob({ id: 5, state: 'failed', exit_code: 2 });
    expect(rules.onEvent(event('job.failed', 5), job)).toEqual([
      { key: 'failed:5:1', title: 'Job failed: train', body: '#5 in vision: exit code 2', jobId: 5 },
    ]);
  });

  it('stays quiet when a failed attempt was requeued because attempts are left', () => {
    const { rules } = setup();
    expect(rules.onEvent(event('job.failed', 5), makeJob({ id: 5, state: 'queued' }))).toEqual([]);
  });

  it('shows the same failure once even when its event is replayed', () => {
    const { rules, advance } = setup();
    const job = makeJob({ id: 5, state: 'failed' });
    expect(rules.onEvent(event('job.failed', 5), job)).toHaveLength(1);
    advance(100);
    expect(rules.onEvent(event('job.failed', 5), job)).toEqual([]);
  });

  it('notifies again when a retried job fails on a later attempt', () => {
    const { rules } = setup();
    rules.onEvent(event('job.failed', 5), makeJob({ id: 5, state: 'failed', attempt: 1 }));
    expect(rules.onEvent(event('job.failed', 5), makeJob({ id: 5, state: 'failed', attempt: 2 }))).toHaveLength(1);
  });

  it('collapses a burst of failures beyond the rate limit into one summary when the window reopens', () => {
    const { rules, advance } = setup({ maxPerWindow: 2 });
    const shown = [1, 2, 3, 4, 5].flatMap((id) => rules.onEvent(event('job.failed', id), makeJob({ id, state: 'failed' })));
    expect(shown.map((n) => n.jobId)).toEqual([1, 2]);
    expect(rules.flush()).toEqual([]);
    advance(1000);
    expect(rules.flush()).toEqual([expect.objectContaining({ title: '3 more jobs failed', jobId: null })]);
    expect(rules.flush()).toEqual([]);
  });

  it('notifies once when every job of a sweep has finished, with the tally', () => {
    const { rules } = setup();
    const jobs = [1, 2, 3].map((id) => makeJob({ id, name: `lr=${id}` }));
    for (const job of jobs) expect(rules.onEvent(event('job.submitted', job.id), job)).toEqual([]);
    expect(rules.onEvent(event('job.succeeded', 1), final(jobs[0], 'succeeded'))).toEqual([]);
    expect(rules.onEvent(event('job.succeeded', 2), final(jobs[1], 'succeeded'))).toEqual([]);
    const last = rules.onEvent(event('job.succeeded', 3), final(jobs[2], 'succeeded'));
    expect(last).toEqual([{ key: 'sweep:1', title: 'Sweep finished: vision · lr=1', body: '3 jobs: 3 succeeded', jobId: 1 }]);
  });

  it('reports a sweep with failures as finished with problems, after the failure itself', () => {
    const { rules } = setup();
    const jobs = [1, 2].map((id) => makeJob({ id }));
    jobs.forEach((job) => rules.onEvent(event('job.submitted', job.id), job));
    rules.onEvent(event('job.succeeded', 1), final(jobs[0], 'succeeded'));
    const out = rules.onEvent(event('job.failed', 2), final(jobs[1], 'failed'));
    expect(out.map((n) => n.title)).toEqual(['Job failed: train', 'Sweep finished with problems: vision · train']);
    expect(out[1].body).toBe('2 jobs: 1 succeeded, 1 failed');
  });

  it('does not treat jobs submitted at different times as one sweep', () => {
    const { rules } = setup();
    const a = makeJob({ id: 1, created_at: 1000 });
    const b = makeJob({ id: 2, created_at: 2000 });
    rules.onEvent(event('job.submitted', 1), a);
    rules.onEvent(event('job.submitted', 2), b);
    expect(rules.onEvent(event('job.succeeded', 1), final(a, 'succeeded'))).toEqual([]);
    expect(rules.onEvent(event('job.succeeded', 2), final(b, 'succeeded'))).toEqual([]);
  });

  it('waits again for a sweep member that was retried after failing', () => {
    const { rules } = setup();
    const jobs = [1, 2].map((id) => makeJob({ id }));
    jobs.forEach((job) => rules.onEvent(event('job.submitted', job.id), job));
    rules.onEvent(event('job.cancelled', 1), final(jobs[0], 'cancelled'));
    rules.onEvent(event('job.retried', 1), final(jobs[0], 'queued'));
    expect(rules.onEvent(event('job.succeeded', 2), final(jobs[1], 'succeeded'))).toEqual([]);
    expect(rules.onEvent(event('job.succeeded', 1), final(jobs[0], 'succeeded'))).toHaveLength(1);
  });

  it('completes a sweep when its last unfinished member is removed', () => {
    const { rules } = setup();
    const jobs = [1, 2, 3].map((id) => makeJob({ id }));
    jobs.forEach((job) => rules.onEvent(event('job.submitted', job.id), job));
    rules.onEvent(event('job.succeeded', 1), final(jobs[0], 'succeeded'));
    rules.onEvent(event('job.succeeded', 2), final(jobs[1], 'succeeded'));
    expect(rules.onEvent(event('job.removed', 3), null)).toEqual([expect.objectContaining({ body: '2 jobs: 2 succeeded' })]);
  });

  it('ignores events that name no job', () => {
    const { rules } = setup();
    expect(rules.onEvent({ id: 1, at: 0, type: 'worker.registered', job_id: null, worker_id: 'w1', data: {} }, null)).toEqual([]);
  });

  it('notifies a worker going offline, a job holding an idle GPU and a preempted job, each once', () => {
    const { rules } = setup();
    const offline: QueueEvent = { id: ++eventId, at: 0, type: 'worker.state', job_id: null, worker_id: 'w1', data: { state: 'offline', reason: 'no heartbeat for 30 s' } };
    expect(rules.onEvent(offline, null, 'gpu-box')).toEqual([{ key: `offline:w1:${offline.id}`, title: 'Worker offline: gpu-box', body: 'gpu-box: no heartbeat for 30 s', jobId: null }]);
    expect(rules.onEvent({ ...offline, id: ++eventId, data: { state: 'draining' } }, null, 'gpu-box')).toEqual([]);

    const idle: QueueEvent = { id: ++eventId, at: 0, type: 'attempt.idle_gpu', job_id: 7, worker_id: 'w1', data: { attempt: 1, gpu: 0, threshold_pct: 2, minutes: 15 } };
    const job = makeJob({ id: 7, state: 'running' });
    expect(rules.onEvent(idle, job, 'gpu-box')).toEqual([{ key: 'idle:7:1:0', title: 'Idle GPU: #7 train', body: 'GPU 0 on gpu-box at ≤ 2% for 15 minutes', jobId: 7 }]);
    expect(rules.onEvent({ ...idle, id: ++eventId }, job, 'gpu-box')).toEqual([]);

    const preempted: QueueEvent = { id: ++eventId, at: 0, type: 'job.preempted', job_id: 7, worker_id: 'w1', data: { attempt: 1, by: 40 } };
    expect(rules.onEvent(preempted, makeJob({ id: 7, state: 'queued' }), 'gpu-box')).toEqual([
      { key: 'preempted:7:1', title: 'Preempted: #7 train', body: 'preempted by #40; it is queued again and resumes from its checkpoint', jobId: 7 },
    ]);
  });
});

