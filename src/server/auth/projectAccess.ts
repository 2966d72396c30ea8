import type { Coordinator } from '../../core';
import { GantryError, type Attempt, type GpuNow, type Job, type Project, type RouteDef, type RouteName } from '../../shared';
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

/** Which project a job is in; undefined when there is no such job (the route then answers 404 itself). */
function projectOf(coordinator: Coordinator, id: number): string | undefined {
  try {
    return coordinator.getJob(id).project;
  } catch (error) {
    if (error instanceof GantryError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/** A job outside the token's project is refused without naming the project it is in. */
function checkJob(coordinator: Coordinator, project: string, id: number, field: string): void {
  const owner = projectOf(coordinator, id);
  if (owner !== undefined && owner !== project) throw outside(project, `job ${id} is outside it`, field);
}

/** A submission may depend only on its project's jobs: a dependency's state would otherwise show through why and blocking. */
function checkDependencies(coordinator: Coordinator, project: string, spec: unknown, field: string): void {
  const deps = spec !== null && typeof spec === 'object' ? (spec as { depends_on?: unknown }).depends_on : undefined;
  if (!Array.isArray(deps)) return;
  deps.forEach((dep, index) => {
    if (typeof dep === 'number') checkJob(coordinator, project, dep, `${field}depends_on.${index}`);
  });
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
    if (coordinator.getJob(id).project !== project) throw outside(project, `job ${id} is outside it`, 'id');
  }
  if (name === 'sweepMetrics') {
    const id = (input.params as { id: number }).id;
    if (coordinator.sweeps.get(id).project !== project) throw outside(project, `sweep ${id} is outside it`, 'id');
  }
  if (name === 'listJobs' || name === 'countJobs' || name === 'listSweeps') {
    const query = input.query as { project?: string };
    if (query.project === undefined) query.project = project;
    else if (query.project !== project) throw outside(project, `project is ${query.project}`, 'project');
  }
  if (name === 'submitJob' || name === 'sweep') {
    claimSubmission(project, input.body as { project?: string }, input.rawBody, 'project');
    checkDependencies(coordinator, project, input.body, '');
  }
  if (name === 'submitBatch') {
    (input.body as { jobs: unknown[] }).jobs.forEach((item, index) => {
      if (item === null || typeof item !== 'object') return;
      claimSubmission(project, item as { project?: string }, item, `jobs.${index}.project`);
      checkDependencies(coordinator, project, item, `jobs.${index}.`);
    });
  }
}

/**
 * What a project-limited token gets back: answers that would name other projects, or other
 * projects' jobs, keep only its own (projects, dependents, the jobs on each GPU, who preempted an attempt).
 */
export function limitAnswerToProject(name: RouteName, answer: unknown, project: string, coordinator: Coordinator): unknown {
  switch (name) {
    case 'listProjects':
      return (answer as Project[]).filter((item) => item.name === project);
    case 'jobDependents':
      return (answer as Job[]).filter((job) => job.project === project);
    case 'gpus':
      return (answer as GpuNow[]).map((gpu) => ({ ...gpu, jobs: gpu.jobs.filter((id) => projectOf(coordinator, id) === project) }));
    case 'listAttempts':
      return (answer as Attempt[]).map((attempt) =>
        attempt.preempted_by !== null && attempt.preempted_by !== undefined && projectOf(coordinator, attempt.preempted_by) !== project ? { ...attempt, preempted_by: null } : attempt,
      );
    default:
      return answer;
  }
}
