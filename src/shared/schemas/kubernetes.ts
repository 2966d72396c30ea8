import { z } from 'zod';

/** DNS-label-like, so `k8s:NAME` is a valid tag and the name reads in a kubectl context list. */
export const KubernetesClusterName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, 'cluster names are lowercase letters, digits and -');

/** Adding a cluster that exists updates it in place; its bridge worker starts again with the new settings. */
export const KubernetesClusterAdd = z.strictObject({
  name: KubernetesClusterName,
  /** The kubeconfig context kubectl is run with: the user's own credentials, never stored here. */
  context: z.string().min(1).max(253),
  /** How direct jobs reach the cluster: kubectl (a Kubernetes Job each), or the runai CLI (a Run:ai workload each, in runai_project). */
  backend: z.enum(['kubectl', 'runai']).default('kubectl'),
  runai_project: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Run:ai project name is a DNS label').nullable().default(null),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a namespace is a DNS label').default('default'),
  image: z.string().min(1).max(1000),
  /** What the bridge worker offers the scheduler: jobs at once, GPUs (of this model and memory), CPUs, memory. */
  max_jobs: z.number().int().min(1).max(10_000).default(8),
  gpus: z.number().int().min(0).max(4096).default(0),
  gpu_model: z.string().min(1).max(200).default('GPU'),
  gpu_memory_mb: z.number().int().min(1).default(81_920),
  cpus: z.number().min(1).max(1_000_000).default(32),
  memory_mb: z.number().int().min(1).default(131_072),
  /**
   * Pilot mode (`gantry submit --k8s NAME` without --direct): an Indexed Job of pilot agents, between
   * min_pilots and max_pilots as demand asks (max_pilots 0: off). Each pod runs the bundled agent in
   * pilot_image (any image with node 20+) and reaches the coordinator at pilot_url.
   */
  pilot_image: z.string().min(1).max(1000).default('node:20-slim'),
  pilot_url: z.url({ protocol: /^https?$/, error: 'pilot_url: the coordinator as pods reach it, http(s)://…' }).nullable().default(null),
  min_pilots: z.number().int().min(0).max(10_000).default(0),
  max_pilots: z.number().int().min(0).max(10_000).default(0),
  jobs_per_pilot: z.number().int().min(1).max(10_000).default(1),
  pilot_cpus: z.number().int().min(1).max(4096).default(1),
  pilot_memory_mb: z.number().int().min(64).max(16_777_216).default(2048),
  pilot_gpus: z.number().int().min(0).max(64).default(0),
  /** A pilot with nothing to run for this long exits. */
  idle_timeout_s: z.number().int().min(1).max(7 * 24 * 3600).default(300),
});
export type KubernetesClusterAdd = z.input<typeof KubernetesClusterAdd>;
/** A cluster's settings, as the bridge worker needs them. */
export type KubernetesClusterSpec = z.output<typeof KubernetesClusterAdd>;

export const KubernetesCluster = KubernetesClusterAdd.extend({
  created_at: z.number(),
  updated_at: z.number(),
  /** Why the bridge worker last failed to start, or null. */
  error: z.string().nullable(),
  /** The bridge worker (`k8s-NAME`) once it has registered: its id and state; null before. */
  worker_id: z.string().nullable(),
  worker_state: z.string().nullable(),
  /** Pilot mode: jobs queued or running for the pilots, and the pilot workers online now. */
  pilot_demand: z.number().int(),
  pilots_online: z.number().int(),
});
export type KubernetesCluster = z.infer<typeof KubernetesCluster>;

export const RemovedKubernetesCluster = z.object({ removed: z.literal(true) });
