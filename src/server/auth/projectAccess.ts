import type { Coordinator } from '../../core';
import { GantryError, type RouteDef, type RouteName } from '../../shared';
import type { Principal } from './principal';

/**
 * What a token limited to one project may call: its project's jobs (submit, list, read, act on),
 * their logs and metrics, and the workers they could run on. Everything else reaches beyond one
 * project (the event stream, stats, tokens, hosts, maintenance) and is refused.
 */
const PROJECT_ROUTES: ReadonlySet<RouteName> = new Set<RouteName>([
  'health', 'listProjects', 'submitJob', 'submitBatch', 'sweep', 'listJobs', 'countJobs', 'getJob', 'explainJob', 'jobDependents', 'cancelJob',
  'preemptJob', 'retryJob', 'setPriority', 'removeJob', 'listAttempts', 'readLog', 'downloadLog', 'listMetrics', 'listWorkers', 'getWorker', 'gpus',
  'listSweeps', 'sweepMetrics',
]);

export interface ProjectAccessInput {
  params: unknown;
  query: unknown;
  body: unknown;
  /** The body as sent, before defaults: a submission that names no project goes to the token's. */
  rawBody: unknown;
}

function outside(project: string, what: string, field?: string): GantryError {
  return new GantryError('forbidden', `${what}; this token reaches project ${project} only`, field);
}

/** A submission naming no project goes to the token's; one naming another is refused, naming the field. */
function claimSubmission(project: string, parsed: { project?: string }, raw: unknown, field: string): void {
  const named = raw !== null && typeof raw === 'object' ? (raw as { project?: unknown }).project : undefined;
  if (named === undefined) parsed.project = project;
  else if (named !== project) throw outside(project, `${field} is ${String(named)}`, field);
}

/** Keeps a project-limited token to its project; fills in the project where the caller left it out. */
export function checkProjectAccess(name: RouteName, route: RouteDef, principal: Principal, input: ProjectAccessInput, coordinator: Coordinator): void {
  const { project } = principal;
  if (project === null) return;
  if (!PROJECT_ROUTES.has(name)) throw outside(project, `${route.method} ${route.path} reaches beyond one project`);
  if (route.path.startsWith('/api/v1/jobs/:id')) {
    const id = (input.params as { id: number }).id;
    const job = coordinator.getJob(id);
    if (job.project !== project) throw outside(project, `job ${id} is in project ${job.project}`, 'id');
  }
  if (name === 'sweepMetrics') {
    const id = (input.params as { id: number }).id;
    const sweep = coordinator.sweeps.get(id);
    if (sweep.project !== project) throw outside(project, `sweep ${id} is in project ${sweep.project}`, 'id');
  }
  if (name === 'listJobs' || name === 'countJobs' || name === 'listSweeps') {
    const query = input.query as { project?: string };
    if (query.project === undefined) query.project = project;
    else if (query.project !== project) throw outside(project, `project is ${query.project}`, 'project');
  }
  if (name === 'submitJob' || name === 'sweep') claimSubmission(project, input.body as { project?: string }, input.rawBody, 'project');
  if (name === 'submitBatch') {
    (input.body as { jobs: unknown[] }).jobs.forEach((item, index) => {
      if (item !== null && typeof item === 'object') claimSubmission(project, item as { project?: string }, item, `jobs.${index}.project`);
    });
  }
}
