import { JobSubmit, parseOrThrow, type FinishBatch, type FinishOutcome } from '../../../shared';
import type { Coordinator } from '../../../core';
import { holdsAttempt } from '../../auth/authorize';
import type { Principal } from '../../auth/principal';
import type { RouteHandlers } from '../routeHandler';

type JobRoute =
  | 'submitJob' | 'submitBatch' | 'listJobs' | 'countJobs' | 'getJob' | 'explainJob' | 'jobDependents'
  | 'cancelJob' | 'preemptJob' | 'retryJob' | 'setPriority' | 'removeJob' | 'listAttempts' | 'finishJob' | 'finishJobs';

export const jobHandlers: RouteHandlers<JobRoute> = {
  submitJob: ({ body }, { coordinator }) => coordinator.submit(body),
  submitBatch: ({ body }, { coordinator }) => {
    // Items are validated here, not by the route schema, so an error names the item: `jobs.3.command`.
    const specs = body.jobs.map((item, index) => parseOrThrow(JobSubmit, item, `jobs.${index}`));
    return { jobs: coordinator.submitBatch(specs) };
  },
  listJobs: ({ query }, { coordinator }) => coordinator.listJobs(query),
  countJobs: ({ query }, { coordinator }) => coordinator.countJobs(query),
  getJob: ({ params }, { coordinator }) => coordinator.getJob(params.id),
  explainJob: ({ params }, { coordinator }) => coordinator.explain(params.id),
  jobDependents: ({ params }, { coordinator }) => coordinator.dependents(params.id),
  cancelJob: ({ params }, { coordinator }) => coordinator.cancel(params.id),
  preemptJob: ({ params }, { coordinator }) => coordinator.preempt(params.id),
  retryJob: ({ params }, { coordinator }) => coordinator.retry(params.id),
  setPriority: ({ params, body }, { coordinator }) => coordinator.setPriority(params.id, body.priority),
  removeJob: ({ params }, { coordinator }) => {
    coordinator.remove(params.id);
    return { ok: true };
  },
  listAttempts: ({ params }, { coordinator }) => coordinator.listAttempts(params.id),
  finishJob: ({ params, body }, { coordinator }) => coordinator.finish(params.id, body),
  finishJobs: ({ body, principal }, { coordinator }) => ({ results: finishHeldAttempts(coordinator, principal, body) }),
};

type FinishItem = FinishBatch['results'][number];

/** A worker credential finishes only attempts its worker holds; a foreign item is refused on its own, in place. */
function finishHeldAttempts(coordinator: Coordinator, principal: Principal | null, batch: { results: FinishItem[] }): FinishOutcome[] {
  const workerId = principal?.worker_id ?? null;
  if (workerId === null) return coordinator.finishMany(batch);
  const foreign = batch.results.map((item) => holdsAttempt(coordinator, workerId, item.job_id, item.attempt) === false);
  const allowed = batch.results.filter((_, index) => !foreign[index]);
  const applied = allowed.length > 0 ? coordinator.finishMany({ results: allowed }) : [];
  let next = 0;
  return batch.results.map((item, index) =>
    foreign[index]
      ? { job_id: item.job_id, error: { code: 'forbidden', message: `attempt ${item.attempt} of job ${item.job_id} is not held by worker ${workerId}` } }
      : applied[next++],
  );
}
