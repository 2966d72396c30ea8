import type { Reason, Requirements } from '../../shared';
import type { CoreContext } from '../context';

const PILOT_TAG = /^slurm:(.+)$/;

/**
 * Why a job for a cluster's pilots waits while no pilot is online: "waiting for a pilot on cluster
 * X (pending in Slurm: Resources)", with squeue's reason for the pilot that is furthest along.
 * Null for jobs that name no cluster.
 */
export function pilotReason(ctx: CoreContext, req: Requirements): Reason | null {
  const cluster = req.tags.map((tag) => PILOT_TAG.exec(tag)?.[1]).find((name) => name !== undefined);
  if (cluster === undefined) return null;
  const known = ctx.sql('SELECT 1 FROM slurm_clusters WHERE name = ?').get(cluster);
  if (!known) return { code: 'waiting_for_pilot', cluster, slurm_state: null, slurm_reason: null, message: `no Slurm cluster is named ${cluster} (gantry slurm ls lists them)` };
  const pilots = ctx.sql("SELECT state, reason FROM slurm_pilots WHERE cluster = ? ORDER BY state = 'RUNNING' DESC, submitted_at LIMIT 1").all(cluster) as Array<{ state: string; reason: string | null }>;
  const pilot = pilots[0];
  let detail: string;
  if (!pilot) detail = 'no pilot submitted yet';
  else if (pilot.state === 'PENDING') detail = `pending in Slurm: ${pilot.reason ?? 'None'}`;
  else if (pilot.state === 'SUBMITTED') detail = 'submitted to Slurm';
  else detail = `${pilot.state.toLowerCase()} in Slurm, not registered yet`;
  return { code: 'waiting_for_pilot', cluster, slurm_state: pilot?.state ?? null, slurm_reason: pilot?.reason ?? null, message: `waiting for a pilot on cluster ${cluster} (${detail})` };
}

/**
 * For a queued job already sent to Slurm on its own (per-job mode): its task waits there. The
 * task was submitted for the attempt the job's next claim opens, so it is found by that number.
 */
export function pendingInSlurmReason(ctx: CoreContext, jobId: number, lastAttempt: number): Reason | null {
  const task = ctx.sql('SELECT cluster, slurm_job_id, state, reason FROM slurm_direct_tasks WHERE job_id = ? AND attempt = ?').get(jobId, lastAttempt + 1) as
    | { cluster: string; slurm_job_id: string; state: string; reason: string | null }
    | undefined;
  if (!task) return null;
  const message = directTaskMessage(ctx, jobId, lastAttempt + 1) as string;
  return { code: 'pending_in_slurm', cluster: task.cluster, slurm_job_id: task.slurm_job_id, slurm_state: task.state, slurm_reason: task.reason, message };
}

/** For a job sent to Slurm on its own (per-job mode): its array task and squeue's state and reason. */
export function directTaskMessage(ctx: CoreContext, jobId: number, attempt: number): string | null {
  const task = ctx.sql('SELECT cluster, slurm_job_id, state, reason FROM slurm_direct_tasks WHERE job_id = ? AND attempt = ?').get(jobId, attempt) as
    | { cluster: string; slurm_job_id: string; state: string; reason: string | null }
    | undefined;
  if (!task) return null;
  const state = task.state === 'SUBMITTED' ? 'submitted' : `${task.state.toLowerCase()} in Slurm${task.reason ? `: ${task.reason}` : ''}`;
  return `the job was sent to Slurm cluster ${task.cluster} as job ${task.slurm_job_id} (${state})`;
}
