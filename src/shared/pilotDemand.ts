/** What bounds a cluster's pilots: at least `min`, at most `max`, each running `perPilot` jobs at once. */
export interface PilotLimits {
  min: number;
  max: number;
  perPilot: number;
}

/**
 * How many pilots a cluster (Slurm or Kubernetes) should have for `demand` jobs waiting or running
 * for it: enough to run them all at once, within min and max.
 */
export function wantedPilotCount(limits: PilotLimits, demand: number): number {
  return Math.min(limits.max, Math.max(limits.min, Math.ceil(demand / limits.perPilot)));
}
