import type { KubernetesClusterSpec } from '../../shared';
import { startAgent, type Agent } from '../agent';
import type { AgentLogger } from '../logger';
import type { SpawnJob } from '../jobs/jobProcess';
import { runaiSpawnJob } from '../runai/runaiJobProcess';
import { kubernetesSpawnJob } from './kubernetesJobProcess';

export interface BridgeWorkerOptions {
  /** The coordinator and a token that may register a worker (an enrolment or, in process, the admin token). */
  url: string;
  token: string;
  /** Keeps the bridge worker's credential and its undelivered results. */
  spoolDir: string;
  logger: AgentLogger;
  kubectl?: string;
  runai?: string;
  pollMs?: number;
}

/** Each attempt as a Kubernetes Job through kubectl, or as a Run:ai workload through the runai CLI. */
function spawnJobFor(cluster: KubernetesClusterSpec, options: BridgeWorkerOptions): SpawnJob {
  if (cluster.backend === 'runai' && cluster.runai_project !== null) return runaiSpawnJob({ project: cluster.runai_project, image: cluster.image, runai: options.runai, pollMs: options.pollMs });
  return kubernetesSpawnJob({ context: cluster.context, namespace: cluster.namespace, image: cluster.image, kubectl: options.kubectl, pollMs: options.pollMs });
}

/**
 * A worker whose jobs run as Kubernetes Jobs: it claims from the coordinator like any agent (leases,
 * logs, results, cancel) and hands each attempt to kubectl. It offers the cluster's declared
 * capacity, so the scheduler places on it only what the cluster was said to hold.
 */
export function startBridgeWorker(cluster: KubernetesClusterSpec, options: BridgeWorkerOptions): Promise<Agent> {
  return startAgent({
    url: options.url,
    token: options.token,
    name: `k8s-${cluster.name}`,
    tags: [`k8s:${cluster.name}`],
    spoolDir: options.spoolDir,
    maxJobs: cluster.max_jobs,
    cpus: cluster.cpus,
    memoryMb: cluster.memory_mb,
    gpus: Array.from({ length: cluster.gpus }, (_, index) => ({ index, uuid: null, model: cluster.gpu_model, memory_total_mb: cluster.gpu_memory_mb, memory_free_mb: null })),
    logger: options.logger,
    spawnJob: spawnJobFor(cluster, options),
  });
}
