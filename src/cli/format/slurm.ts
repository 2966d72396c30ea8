import type { SlurmCluster } from '../../shared';
import { renderTable } from './table';

export function formatClusterTable(clusters: readonly SlurmCluster[]): string {
  if (clusters.length === 0) return 'no Slurm clusters (add one: gantry slurm add NAME --login HOST)';
  return renderTable(clusters, [
    { header: 'NAME', value: (c) => c.name, maxWidth: 24 },
    { header: 'LOGIN', value: (c) => c.login, maxWidth: 24 },
    { header: 'PARTITION', value: (c) => c.partition ?? '-' },
    { header: 'PILOTS', value: (c) => `${c.pilots.length} (${c.min_pilots}-${c.max_pilots})`, align: 'right' },
    { header: 'DEMAND', value: (c) => String(c.demand), align: 'right' },
    { header: 'NOTE', value: (c) => c.error ?? '', maxWidth: 80 },
  ]);
}

/** The cluster's settings on one line, then one line per pilot: Slurm job id, state, reason, worker. */
export function describeCluster(cluster: SlurmCluster): string {
  const where = [cluster.partition && `partition ${cluster.partition}`, cluster.account && `account ${cluster.account}`, cluster.qos && `qos ${cluster.qos}`].filter(Boolean).join(', ');
  const lines = [
    `cluster ${cluster.name}: login ${cluster.login}${where ? `, ${where}` : ''}; pilots ${cluster.min_pilots}-${cluster.max_pilots} of ${cluster.cpus_per_pilot} cpu(s)${cluster.gpus_per_pilot ? ` and ${cluster.gpus_per_pilot} gpu(s)` : ''}, ${cluster.time_limit_min} min, idle exit ${cluster.idle_timeout_s} s; demand ${cluster.demand}`,
  ];
  if (cluster.relay) lines.push(`  pilots reach the coordinator through the login node's relay on ${cluster.relay}${cluster.relay_url ? ` (${cluster.relay_url})` : ' (not started yet)'}`);
  if (cluster.error) lines.push(`  error: ${cluster.error}`);
  for (const p of cluster.pilots) lines.push(`  pilot ${p.slurm_job_id}  ${p.state}${p.reason ? ` (${p.reason})` : ''}  ${p.worker_id ? `worker ${p.worker_name}` : 'not registered'}`);
  for (const t of cluster.direct_tasks) lines.push(`  job #${t.job_id} task ${t.slurm_job_id}  ${t.state}${t.reason ? ` (${t.reason})` : ''}`);
  return lines.join('\n');
}
