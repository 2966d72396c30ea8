import type { ClaimedJob, Job } from '../../../../src/shared';

/** A ClaimedJob as the coordinator would hand it out, with only the fields a test cares about set. */
export function makeClaimed(job: Partial<Job> & Pick<Job, 'command'>, attempt = 1): ClaimedJob {
  return {
    job: {
      id: 1, project: 'default', name: 'test', cwd: null, env: {}, params: {}, priority: 0,
      requirements: { cpus: 1, gpus: 0, memory_mb: 0, gpu_memory_mb: null, gpu_models: [], tags: [] },
      depends_on: [], max_attempts: 1, max_lost_attempts: 3, timeout_s: null, retry_delay_s: 0, retry_backoff: false, state: 'running', attempt,
      counted_attempts: attempt, lost_attempts: 0, retry_at: null, worker_id: 'w1',
      exit_code: null, error: null, created_at: 0, started_at: 0, finished_at: null,
      ...job,
    },
    attempt,
    gpus: [],
    cuda_visible_devices: '',
    lease_expires_at: 0,
    token: 'job-token',
  };
}
