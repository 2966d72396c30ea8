import { JobSubmit, parseOrThrow } from '../../../shared';
import type { RouteHandlers } from '../routeHandler';

type JobRoute =
  | 'submitJob' | 'submitBatch' | 'listJobs' | 'countJobs' | 'getJob' | 'explainJob' | 'jobDependents'
  | 'cancelJob' | 'retryJob' | 'setPriority' | 'removeJob' | 'listAttempts' | 'finishJob' | 'finishJobs';

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
  retryJob: ({ params }, { coordinator }) => coordinator.retry(params.id),
  setPriority: ({ params, body }, { coordinator }) => coordinator.setPriority(params.id, body.priority),
  removeJob: ({ params }, { coordinator }) => {
    coordinator.remove(params.id);
    return { ok: true };
  },
  listAttempts: ({ params }, { coordinator }) => coordinator.listAttempts(params.id),
  finishJob: ({ params, body }, { coordinator }) => coordinator.finish(params.id, body),
  finishJobs: ({ body }, { coordinator }) => ({ results: coordinator.finishMany(body) }),
};
