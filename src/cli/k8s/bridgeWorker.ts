import { join } from 'node:path';
import { kubernetesSpawnJob, startAgent, stderrLogger, type Agent } from '../../agent';
import type { Connection } from '../connection';
import type { KubernetesCluster } from './clusterStore';

/** The tag a job carries to run on a cluster (`--k8s NAME`), which only that cluster's bridge worker has. */
export function clusterTag(name: string): string {
  return `k8s:${name}`;
}

/**
 * A worker whose jobs run as Kubernetes Jobs: it claims from the coordinator like any agent (leases,
 * logs, results, cancel) and hands each attempt to kubectl. It offers the cluster's declared
 * capacity, so the scheduler places on it only what the cluster was said to hold.
 */
export function startBridgeWorker(cluster: KubernetesCluster, connection: Connection, options: { dataDir: string; kubectl?: string; pollMs?: number; quiet?: boolean }): Promise<Agent> {
  return startAgent({
    url: connection.url,
    token: connection.token,
    name: `k8s-${cluster.name}`,
    tags: [clusterTag(cluster.name)],
    spoolDir: join(options.dataDir, `k8s-${cluster.name}`),
    maxJobs: cluster.max_jobs,
    cpus: cluster.cpus,
    memoryMb: cluster.memory_mb,
    gpus: Array.from({ length: cluster.gpus }, (_, index) => ({ index, uuid: null, model: cluster.gpu_model, memory_total_mb: cluster.gpu_memory_mb, memory_free_mb: null })),
    logger: stderrLogger({ quiet: options.quiet ?? false }),
    spawnJob: kubernetesSpawnJob({ context: cluster.context, namespace: cluster.namespace, image: cluster.image, kubectl: options.kubectl, pollMs: options.pollMs }),
  });
}
