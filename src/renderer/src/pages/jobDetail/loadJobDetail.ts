import type { Attempt, Explanation, Job } from '../../../../shared';
import { api } from '../../api/client';

export interface JobDetail {
  job: Job;
  attempts: Attempt[];
  upstream: Job[];
  downstream: Job[];
  explanation: Explanation | null;
}

const MAX_DEPS_SHOWN = 100;

/** Everything the job page shows but metrics and the log, in one round of parallel requests. */
export async function loadJobDetail(id: number): Promise<JobDetail> {
  const job = await api().call('getJob', { params: { id } });
  const pending = job.state === 'waiting' || job.state === 'queued';
  const [attempts, downstream, upstream, explanation] = await Promise.all([
    api().call('listAttempts', { params: { id } }),
    api().call('jobDependents', { params: { id } }),
    Promise.all(job.depends_on.slice(0, MAX_DEPS_SHOWN).map((dep) => api().call('getJob', { params: { id: dep } }))),
    pending ? api().call('explainJob', { params: { id } }) : Promise.resolve(null),
  ]);
  return { job, attempts, upstream, downstream, explanation };
}
