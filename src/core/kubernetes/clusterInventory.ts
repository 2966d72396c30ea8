/**
 * The Kubernetes clusters table: what the user added (a kubeconfig context, a namespace, an image and
 * the capacity the bridge worker offers). The host process runs each cluster's bridge worker; this
 * module only stores clusters and says how their workers stand.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { KubernetesClusterAdd, kubernetesPilotTag, NotFoundError, parseOrThrow, ValidationError, type KubernetesCluster, type KubernetesClusterSpec } from '../../shared';
import type { CoreContext } from '../context';
import { IN_ANY_PROJECT } from '../queue/jobsByState';

interface ClusterRow {
  name: string;
  spec: string;
  error: string | null;
  created_at: number;
  updated_at: number;
}

/** The tag a job carries to run on a cluster (`--k8s NAME`), which only that cluster's bridge worker has. */
export const kubernetesTag = (cluster: string): string => `k8s:${cluster}`;
/** The name the cluster's bridge worker registers with. */
export const bridgeWorkerName = (cluster: string): string => `k8s-${cluster}`;

/** Where `gantry k8s add` kept clusters before they moved into the database; imported once, then renamed. */
export const LEGACY_CLUSTERS_FILE = 'k8s-clusters.json';

export interface KubernetesInventory {
  /** Adds the cluster, or updates the one with that name in place. */
  save(input: unknown): KubernetesCluster;
  get(name: string): KubernetesCluster;
  list(): KubernetesCluster[];
  remove(name: string): void;
  /** Why its bridge worker last failed to start; null once it runs. */
  setError(name: string, error: string | null): void;
}

function toCluster(ctx: CoreContext, row: ClusterRow): KubernetesCluster {
  const spec = JSON.parse(row.spec) as KubernetesClusterSpec;
  const worker = ctx.sql("SELECT id, state FROM workers WHERE name = ? ORDER BY state = 'offline', last_seen_at DESC LIMIT 1").get(bridgeWorkerName(row.name)) as
    | { id: string; state: string }
    | undefined;
  const online = ctx.sql(`SELECT COUNT(*) AS n FROM workers WHERE state = 'online'
    AND EXISTS (SELECT 1 FROM json_each(workers.tags) WHERE value = ?)`).get(kubernetesPilotTag(row.name)) as { n: number };
  return {
    ...KubernetesClusterAdd.parse(spec),
    created_at: row.created_at,
    updated_at: row.updated_at,
    error: row.error,
    worker_id: worker?.id ?? null,
    worker_state: worker?.state ?? null,
    pilot_demand: pilotDemand(ctx, row.name),
    pilots_online: online.n,
  };
}

/** Jobs queued or running for a cluster's pilots: what their number follows. */
function pilotDemand(ctx: CoreContext, cluster: string): number {
  const row = ctx.sql(`SELECT COUNT(*) AS n FROM jobs WHERE ${IN_ANY_PROJECT} AND state IN ('queued', 'running')
    AND EXISTS (SELECT 1 FROM json_each(jobs.requirements, '$.tags') WHERE value = ?)`).get(kubernetesPilotTag(cluster)) as { n: number };
  return row.n;
}

/**
 * Moves clusters from the old 0600 JSON file into the table, once: clusters the table already has
 * win, and the file is renamed so a later start does not bring back a cluster removed since.
 */
function importLegacyFile(ctx: CoreContext, inventory: KubernetesInventory): void {
  const path = join(ctx.dataDir, LEGACY_CLUSTERS_FILE);
  if (!existsSync(path)) return;
  const entries = z.array(z.unknown()).parse(JSON.parse(readFileSync(path, 'utf8')));
  ctx.tx(() => {
    for (const [index, entry] of entries.entries()) {
      const spec = parseOrThrow(KubernetesClusterAdd, entry, `${LEGACY_CLUSTERS_FILE}.${index}`);
      if (!ctx.sql('SELECT 1 FROM k8s_clusters WHERE name = ?').get(spec.name)) inventory.save(spec);
    }
  });
  renameSync(path, `${path}.imported`);
}

export function createKubernetesInventory(ctx: CoreContext): KubernetesInventory {
  const read = (name: string): ClusterRow => {
    const row = ctx.sql('SELECT * FROM k8s_clusters WHERE name = ?').get(name) as ClusterRow | undefined;
    if (!row) throw new NotFoundError(`Kubernetes cluster ${name} does not exist (gantry k8s ls lists them)`, 'name');
    return row;
  };
  const inventory: KubernetesInventory = {
    save(input) {
      const spec = parseOrThrow(KubernetesClusterAdd, input);
      if (spec.max_pilots > 0 && spec.pilot_url === null) throw new ValidationError('pilot_url: pilots need the coordinator as pods reach it (e.g. http://gantry.lab:8080)', 'pilot_url');
      if (spec.min_pilots > spec.max_pilots) throw new ValidationError('min_pilots must not exceed max_pilots', 'min_pilots');
      if (spec.backend === 'runai' && spec.runai_project === null) throw new ValidationError('runai_project: the Run:ai backend submits into a Run:ai project', 'runai_project');
      if (spec.backend === 'runai' && spec.max_pilots > 0) throw new ValidationError('max_pilots: pilots run through kubectl; the Run:ai backend runs direct jobs only', 'max_pilots');
      ctx.tx(() => {
        const now = ctx.now();
        ctx.sql(`INSERT INTO k8s_clusters (name, spec, created_at, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, error = NULL, updated_at = excluded.updated_at`)
          .run(spec.name, JSON.stringify(spec), now, now);
      });
      return toCluster(ctx, read(spec.name));
    },
    get: (name) => toCluster(ctx, read(name)),
    list: () => (ctx.sql('SELECT * FROM k8s_clusters ORDER BY name').all() as ClusterRow[]).map((row) => toCluster(ctx, row)),
    remove(name) {
      ctx.tx(() => {
        read(name);
        ctx.sql('DELETE FROM k8s_clusters WHERE name = ?').run(name);
      });
    },
    setError(name, error) {
      ctx.tx(() => {
        read(name);
        ctx.sql('UPDATE k8s_clusters SET error = ?, updated_at = ? WHERE name = ?').run(error, ctx.now(), name);
      });
    },
  };
  importLegacyFile(ctx, inventory);
  return inventory;
}
