import { z } from 'zod';

/** DNS-label-like, so `k8s:NAME` is a valid tag and the name reads in a kubectl context list. */
export const KubernetesClusterName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, 'cluster names are lowercase letters, digits and -');

/** Adding a cluster that exists updates it in place; its bridge worker starts again with the new settings. */
export const KubernetesClusterAdd = z.strictObject({
  name: KubernetesClusterName,
  /** The kubeconfig context kubectl is run with: the user's own credentials, never stored here. */
  context: z.string().min(1).max(253),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a namespace is a DNS label').default('default'),
  image: z.string().min(1).max(1000),
  /** What the bridge worker offers the scheduler: jobs at once, GPUs (of this model and memory), CPUs, memory. */
  max_jobs: z.number().int().min(1).max(10_000).default(8),
  gpus: z.number().int().min(0).max(4096).default(0),
  gpu_model: z.string().min(1).max(200).default('GPU'),
  gpu_memory_mb: z.number().int().min(1).default(81_920),
  cpus: z.number().min(1).max(1_000_000).default(32),
  memory_mb: z.number().int().min(1).default(131_072),
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
});
export type KubernetesCluster = z.infer<typeof KubernetesCluster>;

export const RemovedKubernetesCluster = z.object({ removed: z.literal(true) });
