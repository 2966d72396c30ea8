import type { KubernetesCluster } from '../../shared';

/** One line per cluster: where its Jobs go, what its bridge worker offers, and how the bridge stands. */
export function clusterLine(c: KubernetesCluster): string {
  const gpus = c.gpus > 0 ? `, ${c.gpus} × ${c.gpu_model} (${c.gpu_memory_mb} MB)` : '';
  const bridge = c.error ? `; ${c.error}` : c.worker_state ? `; bridge worker ${c.worker_state}` : '';
  const pilots = c.max_pilots > 0 ? `; pilots ${c.min_pilots}-${c.max_pilots} (${c.pilots_online} online, demand ${c.pilot_demand})` : '';
  return `${c.name}  context ${c.context}, namespace ${c.namespace}, image ${c.image}: up to ${c.max_jobs} jobs, ${c.cpus} CPU, ${c.memory_mb} MB${gpus}${pilots}${bridge}`;
}
