import { z } from 'zod';
import { JobState } from '../states';

const JobRef = z.object({ id: z.number().int(), name: z.string(), state: JobState });

/** Structured reasons a job is not running; `message` says the same in words. */
export const Reason = z.discriminatedUnion('code', [
  z.object({ code: z.literal('not_pending'), message: z.string(), state: JobState }),
  z.object({ code: z.literal('waiting_on_dependencies'), message: z.string(), jobs: z.array(JobRef) }),
  z.object({ code: z.literal('blocked_by'), message: z.string(), job: JobRef.nullable() }),
  z.object({ code: z.literal('no_online_workers'), message: z.string() }),
  z.object({ code: z.literal('no_worker_with_tags'), message: z.string(), tags: z.array(z.string()) }),
  z.object({
    code: z.literal('no_worker_large_enough'),
    message: z.string(),
    resource: z.enum(['cpus', 'memory_mb', 'gpus', 'gpu_memory_mb', 'gpu_models']),
    needed: z.union([z.number(), z.array(z.string())]),
    largest: z.union([z.number(), z.array(z.string())]),
  }),
  z.object({
    code: z.literal('insufficient_free_resources'),
    message: z.string(),
    resource: z.enum(['cpus', 'memory_mb', 'gpus', 'gpu_memory_mb']),
    needed: z.number(),
    largest_free: z.number(),
  }),
  z.object({ code: z.literal('jobs_ahead'), message: z.string(), count: z.number().int() }),
  z.object({ code: z.literal('worker_fits_but_busy'), message: z.string(), workers: z.array(z.string()) }),
  /** Workers with room for it are held for a bigger job ahead that has waited past the reservation age. */
  z.object({ code: z.literal('workers_reserved'), message: z.string(), workers: z.array(z.string()), for_job: JobRef }),
  /** Queued again after a failure, and not claimable before `retry_at`. */
  z.object({ code: z.literal('retry_delay'), message: z.string(), retry_at: z.number(), seconds: z.number() }),
  z.object({ code: z.literal('ready'), message: z.string(), workers: z.array(z.string()) }),
  /** Preemption (issue 21) is stopping these lower-priority jobs on one worker to make room for this one. */
  z.object({ code: z.literal('will_preempt'), message: z.string(), worker: z.string(), victims: z.array(z.number().int()), grace_s: z.number() }),
  /** Slurm (issue 15): the job is for a cluster's pilots and none is online; squeue's state and reason for the nearest pilot. */
  z.object({ code: z.literal('waiting_for_pilot'), message: z.string(), cluster: z.string(), slurm_state: z.string().nullable(), slurm_reason: z.string().nullable() }),
  /** Slurm per-job mode (issue 15): the job was sent to Slurm as its own job and waits there; squeue's state and reason. */
  z.object({ code: z.literal('pending_in_slurm'), message: z.string(), cluster: z.string(), slurm_job_id: z.string(), slurm_state: z.string(), slurm_reason: z.string().nullable() }),
  /** Jobs run where this one could, but preemption does not apply (not preemptible, not lower priority, minimum runtime, not enough room). */
  z.object({ code: z.literal('no_preemption'), message: z.string() }),
]);
export type Reason = z.infer<typeof Reason>;

export const Explanation = z.object({
  job_id: z.number().int(),
  state: JobState,
  summary: z.string(),
  reasons: z.array(Reason),
});
export type Explanation = z.infer<typeof Explanation>;
