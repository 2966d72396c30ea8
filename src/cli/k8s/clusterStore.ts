import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { usageError } from '../exitCodes';

/** DNS-label-like, so `k8s:NAME` is a valid tag and the name reads in a kubectl context list. */
const ClusterName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,40}[a-z0-9])?$/, 'cluster names are lowercase letters, digits and -');

export const KubernetesCluster = z.strictObject({
  name: ClusterName,
  /** The kubeconfig context kubectl is run with: the user's own credentials, never stored here. */
  context: z.string().min(1).max(253),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a namespace is a DNS label'),
  image: z.string().min(1).max(1000),
  /** What the bridge worker offers the scheduler: jobs at once, GPUs (of this model and memory), CPUs, memory. */
  max_jobs: z.number().int().min(1).max(10_000),
  gpus: z.number().int().min(0).max(4096),
  gpu_model: z.string().min(1).max(200),
  gpu_memory_mb: z.number().int().min(1),
  cpus: z.number().min(1),
  memory_mb: z.number().int().min(1),
});
export type KubernetesCluster = z.infer<typeof KubernetesCluster>;

const FILE = 'k8s-clusters.json';

/**
 * Clusters live beside the admin token in the data dir, 0600: they only name kubeconfig contexts,
 * and kubectl (with the user's kubeconfig) is run from this machine anyway.
 */
export async function readClusters(dataDir: string): Promise<KubernetesCluster[]> {
  let text: string;
  try {
    text = await readFile(join(dataDir, FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return z.array(KubernetesCluster).parse(JSON.parse(text));
}

export async function writeClusters(dataDir: string, clusters: KubernetesCluster[]): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, FILE);
  const staging = `${path}.${process.pid}.tmp`;
  await writeFile(staging, `${JSON.stringify(clusters, null, 2)}\n`, { mode: 0o600 });
  await chmod(staging, 0o600);
  await rename(staging, path);
}

export async function findCluster(dataDir: string, name: string): Promise<KubernetesCluster> {
  const cluster = (await readClusters(dataDir)).find((c) => c.name === name);
  if (!cluster) throw usageError(`no Kubernetes cluster named ${name} (see gantry k8s ls)`);
  return cluster;
}

/** Checks a new entry, naming the field at fault. */
export function parseCluster(input: unknown): KubernetesCluster {
  const result = KubernetesCluster.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw usageError(`${issue.path.join('.') || 'cluster'}: ${issue.message}`);
}
