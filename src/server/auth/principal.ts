import type { TokenScope } from '../../shared';

/** Who a request acts as, once its token checks out. */
export interface Principal {
  scope: TokenScope;
  /** For the auth log and the live hub: the token's name, e.g. `ci`, `worker gpu-1`, `job 4 attempt 1`. */
  name: string;
  /** The stored token's id (admin, read, enrolment and stored job tokens); null for credentials and job tokens. */
  token_id: number | null;
  /** Set for job tokens: the one job the caller may touch. */
  job_id: number | null;
  /** Set for attempt-bound job tokens (`gjob_…`): the attempt whose metrics they may post. */
  attempt: number | null;
  /** Set for worker credentials: the one worker the caller acts for. Null for an enrolment token. */
  worker_id: string | null;
  /** A job token whose attempt has ended: it may still read its job for a short grace, never write. */
  read_only: boolean;
  /** Set for admin and read tokens limited to one project: only that project's jobs are within reach. */
  project: string | null;
}

const NONE = { token_id: null, job_id: null, attempt: null, worker_id: null, read_only: false, project: null } as const;

export function storedTokenPrincipal(record: { id: number; name: string; scope: TokenScope; job_id: number | null; project?: string | null }): Principal {
  return { ...NONE, scope: record.scope, name: record.name, token_id: record.id, job_id: record.job_id, project: record.project ?? null };
}

export function workerPrincipal(workerId: string, name: string): Principal {
  return { ...NONE, scope: 'worker', name: `worker ${name}`, worker_id: workerId };
}

export function jobTokenPrincipal(jobId: number, attempt: number, readOnly: boolean): Principal {
  return { ...NONE, scope: 'job', name: `job ${jobId} attempt ${attempt}`, job_id: jobId, attempt, read_only: readOnly };
}
