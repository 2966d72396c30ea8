import { redactEnv, type Job, type JobPage, type RouteName } from '../../shared';

type JobResult = Job | Job[] | JobPage;

const redactJob = (job: Job): Job => ({ ...job, env: redactEnv(job.env, job.secret_env) });

/** Routes a read token may call that answer with jobs, and where the jobs sit in the answer. */
const JOB_ROUTES: Partial<Record<RouteName, (result: JobResult) => JobResult>> = {
  getJob: (job) => redactJob(job as Job),
  jobDependents: (jobs) => (jobs as Job[]).map(redactJob),
  listJobs: (page) => ({ ...(page as JobPage), jobs: (page as JobPage).jobs.map(redactJob) }),
};

/** A read token (and a chat's) sees jobs with their secret env values redacted (names matching SECRET_ENV_NAME, and the job's secret_env). */
export function redactForReader(name: RouteName, result: unknown): unknown {
  const redact = JOB_ROUTES[name];
  return redact ? redact(result as JobResult) : result;
}
