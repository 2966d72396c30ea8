import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobCounts } from '../../../src/shared/schemas/jobs';
import type { QueueEvent } from '../../../src/shared/schemas/events';
import { setApi, type Api } from '../../../src/renderer/src/api/client';
import { EMPTY_FILTER, useJobs } from '../../../src/renderer/src/stores/jobs';
import { jobEventEffect, mergeNewest } from '../../../src/renderer/src/logic/jobEvents';

function makeJob(id: number, patch: Partial<Job> = {}): Job {
  return {
    id, project: 'default', name: `job ${id}`, command: ['true'], cwd: null, env: {}, params: {}, priority: 0,
    requirements: { cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] },
    depends_on: [], max_attempts: 1, max_lost_attempts: 3, timeout_s: null, retry_delay_s: 0, retry_backoff: false, state: 'queued', attempt: 0,
    counted_attempts: 0, lost_attempts: 0, retry_at: null, worker_id: null,
    exit_code: null, error: null, created_at: 0, started_at: null, finished_at: null, ...patch,
  };
}

let nextEventId = 1;
const event = (type: QueueEvent['type'], jobId: number, data: Record<string, unknown> = {}): QueueEvent => ({ id: nextEventId++, at: 1000, type, job_id: jobId, worker_id: 'w1', data });
const counts: JobCounts = { total: 0, unrunnable: 0, waiting: 0, queued: 0, running: 0, succeeded: 0, failed: 0, cancelled: 0, blocked: 0 };

/** A fake coordinator holding jobs newest first, answering the calls the store makes. */
function fakeApi(jobs: Job[]) {
  const calls: Array<{ name: string; input: unknown }> = [];
  const api = {
    jobs,
    calls,
    async call(name: string, input?: { params?: { id: number }; query?: { cursor?: string; limit?: number } }) {
      calls.push({ name, input });
      if (name === 'listJobs') {
        const start = Number(input?.query?.cursor ?? 0);
        const limit = input?.query?.limit ?? 500;
        const page = api.jobs.slice(start, start + limit);
        return { jobs: page, next_cursor: start + limit < api.jobs.length ? String(start + limit) : null };
      }
      if (name === 'countJobs') return { ...counts, total: api.jobs.length };
      if (name === 'getJob') return api.jobs.find((j) => j.id === input?.params?.id);
      if (name === 'explainJob') return { job_id: input?.params?.id, state: 'queued', summary: 'waiting for a worker', reasons: [] };
      throw new Error(`unexpected call ${name}`);
    },
  };
  setApi(api as unknown as Api);
  return api;
}

describe('jobEventEffect', () => {
  it('maps each transition to the state it lands in, preferring an explicit state', () => {
    expect(jobEventEffect(event('job.claimed', 3))).toMatchObject({ kind: 'changed', id: 3, patch: { state: 'running', worker_id: 'w1' } });
    expect(jobEventEffect(event('job.retried', 3, { state: 'waiting' }))).toMatchObject({ patch: { state: 'waiting' } });
    expect(jobEventEffect(event('job.priority', 3, { priority: 7 }))).toMatchObject({ patch: { priority: 7 } });
    expect(jobEventEffect(event('job.removed', 3))).toEqual({ kind: 'removed', id: 3 });
    expect(jobEventEffect({ ...event('worker.state', 0), job_id: null })).toEqual({ kind: 'none' });
  });
});

describe('mergeNewest', () => {
  it('prepends only newer rows and refreshes the known ones in place', () => {
    const rows = [makeJob(3), makeJob(2)];
    const { rows: merged, prepended } = mergeNewest(rows, [makeJob(5), makeJob(4), makeJob(3, { state: 'running' })]);
    expect(merged.map((j) => j.id)).toEqual([5, 4, 3, 2]);
    expect(merged[2].state).toBe('running');
    expect(prepended).toBe(2);
  });
});

describe('the jobs store', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    useJobs.setState({ filter: EMPTY_FILTER, sort: '-id', rows: [], loaded: false, selection: new Set(), anchor: null, explanations: {}, prepended: { count: 0, seq: 0 } });
  });
  afterEach(() => vi.useRealTimers());

  it('loads pages with the keyset cursor until the end', async () => {
    fakeApi(Array.from({ length: 1100 }, (_, i) => makeJob(1100 - i)));
    await useJobs.getState().reload();
    expect(useJobs.getState().rows).toHaveLength(500);
    await useJobs.getState().loadMore();
    await useJobs.getState().loadMore();
    expect(useJobs.getState().rows).toHaveLength(1100);
    expect(useJobs.getState().hasMore).toBe(false);
  });

  it('sends the filter to the server rather than filtering here', async () => {
    const api = fakeApi([]);
    useJobs.getState().setFilter({ states: ['failed'], text: ' train ' });
    await vi.runAllTimersAsync();
    const list = api.calls.find((c) => c.name === 'listJobs');
    expect(list?.input).toMatchObject({ query: { state: ['failed'], text: 'train', sort: '-id' } });
  });

  it('applies events to loaded rows at once, then refetches the visible ones', async () => {
    const api = fakeApi([makeJob(2), makeJob(1)]);
    await useJobs.getState().reload();
    useJobs.getState().setVisible([2, 1]);
    api.jobs[1] = makeJob(1, { state: 'running', worker_id: 'w1', attempt: 1 });
    useJobs.getState().applyEvents([event('job.claimed', 1), event('job.removed', 2)]);
    expect(useJobs.getState().rows.map((j) => [j.id, j.state])).toEqual([[1, 'running']]);
    await vi.runAllTimersAsync();
    expect(api.calls.some((c) => c.name === 'getJob')).toBe(true);
    expect(useJobs.getState().rows[0].attempt).toBe(1);
  });

  it('puts new jobs on top and reports how many, so the table keeps its scroll position', async () => {
    const api = fakeApi([makeJob(2), makeJob(1)]);
    await useJobs.getState().reload();
    api.jobs.unshift(makeJob(4), makeJob(3));
    useJobs.getState().applyEvents([event('job.submitted', 3), event('job.submitted', 4)]);
    await vi.runAllTimersAsync();
    expect(useJobs.getState().rows.map((j) => j.id)).toEqual([4, 3, 2, 1]);
    expect(useJobs.getState().prepended.count).toBe(2);
  });

  it('fetches explanations only for visible pending rows', async () => {
    const api = fakeApi([makeJob(3), makeJob(2, { state: 'succeeded' }), makeJob(1)]);
    await useJobs.getState().reload();
    useJobs.getState().setVisible([3, 2]);
    await vi.runAllTimersAsync();
    const explained = api.calls.filter((c) => c.name === 'explainJob').map((c) => (c.input as { params: { id: number } }).params.id);
    expect(explained).toEqual([3]);
    expect(useJobs.getState().explanations[3].summary).toBe('waiting for a worker');
  });

  it('selects a range with shift and toggles single rows', async () => {
    fakeApi([makeJob(5), makeJob(4), makeJob(3), makeJob(2)]);
    await useJobs.getState().reload();
    const { toggle } = useJobs.getState();
    toggle(5, false);
    toggle(3, true);
    expect([...useJobs.getState().selection].sort()).toEqual([3, 4, 5]);
    toggle(4, false);
    expect([...useJobs.getState().selection].sort()).toEqual([3, 5]);
  });
});
