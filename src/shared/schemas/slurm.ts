import { z } from 'zod';
import { HostName } from './hosts';

/** Cluster names become worker names, tags (`slurm:NAME`) and Slurm job names, so they stay plain. */
export const ClusterName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/, 'a cluster name is 1-63 letters, digits, _ - and starts with a letter or digit');

/** Partition, account and QoS names go into #SBATCH lines: plain words only. */
const SlurmWord = z.string().min(1).max(200).regex(/^[A-Za-z0-9._,:+-]+$/, 'letters, digits and . _ , : + - only');

/** Adding a cluster that exists updates it in place; its pilots keep running. */
export const SlurmClusterAdd = z
  .strictObject({
    name: ClusterName,
    /** The login node: a host of `gantry hosts` (SSH, keys and jumps come from there). */
    login: HostName,
    partition: SlurmWord.nullable().default(null),
    account: SlurmWord.nullable().default(null),
    qos: SlurmWord.nullable().default(null),
    /** Wall time of each pilot (sbatch --time), in minutes. */
    time_limit_min: z.number().int().min(1).max(525_600).default(60),
    min_pilots: z.number().int().min(0).max(10_000).default(0),
    max_pilots: z.number().int().min(1).max(10_000).default(4),
    /** Most GPUs all pilots together may hold; null: no limit beyond max_pilots. */
    max_gpus: z.number().int().min(0).max(100_000).nullable().default(null),
    cpus_per_pilot: z.number().int().min(1).max(4096).default(1),
    /** sbatch --mem; null: the partition's default. */
    memory_mb_per_pilot: z.number().int().min(1).max(16_777_216).nullable().default(null),
    gpus_per_pilot: z.number().int().min(0).max(64).default(0),
    /** Jobs one pilot runs at once; null: its cpus. */
    jobs_per_pilot: z.number().int().min(1).max(10_000).nullable().default(null),
    /** A pilot with nothing to run for this long exits. */
    idle_timeout_s: z.number().int().min(1).max(7 * 24 * 3600).default(300),
    /** A pilot stops claiming this long before its wall time ends, so what it holds can finish. */
    wind_down_s: z.number().int().min(0).max(7 * 24 * 3600).default(300),
    /** A pilot hands back what still runs this long before its wall time ends, and exits. */
    hand_back_s: z.number().int().min(0).max(7 * 24 * 3600).default(60),
    /**
     * `HOST[:PORT]`, the login node's address as the compute nodes reach it: pilots reach the
     * coordinator through a relay listening there, piped to the coordinator's SSH forward on the
     * login node. null: pilots are given GANTRY_ADVERTISE_URL.
     */
    relay: z.string().regex(/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(?::\d{1,5})?$/, 'HOST or HOST:PORT, the login node\'s address as compute nodes reach it (like 10.1.0.2:7879)').nullable().default(null),
  })
  .refine((c) => c.min_pilots <= c.max_pilots, { message: 'min_pilots must not exceed max_pilots', path: ['min_pilots'] })
  .refine((c) => c.hand_back_s <= c.wind_down_s, { message: 'hand_back_s must not exceed wind_down_s (a pilot stops claiming before it hands back)', path: ['hand_back_s'] })
  .refine((c) => c.wind_down_s < c.time_limit_min * 60, { message: 'wind_down_s must be shorter than the time limit', path: ['wind_down_s'] });
export type SlurmClusterAdd = z.input<typeof SlurmClusterAdd>;
export type SlurmClusterSpec = z.output<typeof SlurmClusterAdd>;

/** One pilot: a Slurm array task running an agent, with what squeue last said of it. */
export const SlurmPilot = z.object({
  /** `ARRAYJOB_TASK`, as squeue prints it. */
  slurm_job_id: z.string(),
  /** squeue's state: PENDING, RUNNING, COMPLETING…; SUBMITTED until squeue has shown it. */
  state: z.string(),
  /** squeue's reason (Resources, Priority, None…). */
  reason: z.string().nullable(),
  worker_name: z.string(),
  worker_id: z.string().nullable(),
  submitted_at: z.number(),
});
export type SlurmPilot = z.infer<typeof SlurmPilot>;

/** A job sent to Slurm on its own (`--slurm NAME --direct`): its array task and what squeue last said of it. */
export const SlurmDirectTask = z.object({
  slurm_job_id: z.string(),
  job_id: z.number().int(),
  attempt: z.number().int(),
  state: z.string(),
  reason: z.string().nullable(),
  submitted_at: z.number(),
});
export type SlurmDirectTask = z.infer<typeof SlurmDirectTask>;

export const SlurmCluster = z.object({
  ...SlurmClusterAdd.shape,
  created_at: z.number(),
  updated_at: z.number(),
  /** The last error talking to the cluster (SSH, sbatch, squeue); null once it works again. */
  error: z.string().nullable(),
  /** Jobs tagged `slurm:NAME` waiting or running: what the pilot count follows. */
  demand: z.number().int(),
  pilots: z.array(SlurmPilot),
  /** Jobs sent one by one (per-job mode) that Slurm still has. */
  direct_tasks: z.array(SlurmDirectTask),
  /** Where pilots are sent through the login node's relay while it runs; null without one. */
  relay_url: z.string().nullable().default(null),
});
export type SlurmCluster = z.infer<typeof SlurmCluster>;

export const RemovedCluster = z.object({ removed: z.literal(true), cancelled_pilots: z.number().int() });
export type RemovedCluster = z.infer<typeof RemovedCluster>;
