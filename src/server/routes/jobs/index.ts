import { JobSubmit, ValidationError, parseOrThrow, type FinishBatch, type FinishBatchReply, type FinishOutcome } from '../../../shared';
import type { JobTokens } from '../../auth/jobTokens';
import type { Coordinator } from '../../../core';
import { holdsAttempt } from '../../auth/authorize';
import type { Principal } from '../../auth/principal';
import type { CallerHandler, RouteHandlers } from '../routeHandler';

type JobRoute =
  | 'submitJob' | 'submitBatch' | 'listJobs' | 'countJobs' | 'getJob' | 'explainJob' | 'jobDependents'
  | 'cancelJob' | 'preemptJob' | 'retryJob' | 'setPriority' | 'removeJob' | 'listAttempts' | 'finishJob' | 'finishJobs';

const finishJob: CallerHandler<'finishJob'> = ({ params, body }, { coordinator }) => coordinator.finish(params.id, body);

// Through the group commit: agents' results arriving together share one transaction.
const finishJobs: CallerHandler<'finishJobs'> = ({ body, principal }, { coordinator, jobTokens, groupCommit }) =>
  groupCommit.run(() => (body.claim ? finishAndClaim(coordinator, jobTokens, principal, body) : { results: finishHeldAttempts(coordinator, principal, body) }));

/** The agents' finishes, which the agent channel carries too (they need nothing of HTTP). */
export const jobCallerHandlers = { finishJob, finishJobs };

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
  explainJob: ({ params, principal }, { coordinator }) => coordinator.explain(params.id, { project: principal?.project ?? null }),
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
  finishJob,
  finishJobs,
};

type FinishItem = FinishBatch['results'][number];

/** A worker credential finishes only attempts its worker holds; a foreign item is refused on its own, in place. */
function finishHeldAttempts(coordinator: Coordinator, principal: Principal | null, batch: { results: FinishItem[]; brief?: boolean }): FinishOutcome[] {
  const workerId = principal?.worker_id ?? null;
  if (workerId === null) return coordinator.finishMany(batch);
  return finishHeld(coordinator, workerId, batch.results, (allowed) => (allowed.length > 0 ? coordinator.finishMany({ results: allowed, brief: batch.brief }) : []));
}

/**
 * Finish-and-claim: the results (only attempts this worker holds, as above) and the worker's next
 * claim in one transaction; the jobs come back with their job tokens, as from the claim route.
 */
function finishAndClaim(coordinator: Coordinator, jobTokens: JobTokens, principal: Principal | null, batch: FinishBatch): FinishBatchReply {
  const workerId = principal?.worker_id ?? null;
  const claim = batch.claim;
  if (workerId === null || !claim) throw new ValidationError('only a worker credential may claim; send the results without `claim`', 'claim');
  const reply: FinishBatchReply = { results: [], jobs: [] };
  reply.results = finishHeld(coordinator, workerId, batch.results, (allowed) => {
    // Every item foreign: nothing to finish, but the claim still stands on its own.
    const done = allowed.length > 0 ? coordinator.finishAndClaim(workerId, { results: allowed, brief: batch.brief }, claim) : { results: [], jobs: coordinator.claim(workerId, claim) };
    reply.jobs = done.jobs.map((job) => ({ ...job, token: jobTokens.issue(job.job.id, job.attempt) }));
    if ('claimError' in done && done.claimError) reply.claim_error = { code: done.claimError.code, message: done.claimError.message, field: done.claimError.field };
    return done.results;
  });
  return reply;
}

/** Applies the items `workerId` holds through `apply` and refuses the others, each in its place. */
function finishHeld(coordinator: Coordinator, workerId: string, items: FinishItem[], apply: (allowed: FinishItem[]) => FinishOutcome[]): FinishOutcome[] {
  const foreign = items.map((item) => holdsAttempt(coordinator, workerId, item.job_id, item.attempt) === false);
  const applied = apply(items.filter((_, index) => !foreign[index]));
  let next = 0;
  return items.map((item, index) =>
    foreign[index]
      ? { job_id: item.job_id, error: { code: 'forbidden', message: `attempt ${item.attempt} of job ${item.job_id} is not held by worker ${workerId}` } }
      : applied[next++],
  );
}
