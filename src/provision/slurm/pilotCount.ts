import { wantedPilotCount, type SlurmClusterSpec } from '../../shared';

/** The most pilots the cluster may have: max_pilots, and no more GPUs than max_gpus. */
export function pilotCeiling(spec: SlurmClusterSpec): number {
  if (spec.max_gpus === null || spec.gpus_per_pilot === 0) return spec.max_pilots;
  return Math.min(spec.max_pilots, Math.floor(spec.max_gpus / spec.gpus_per_pilot));
}

/**
 * How many pilots the cluster should have for `demand` jobs (waiting or running) tagged for it:
 * enough to run them all at once, within min_pilots and the ceiling.
 */
export function wantedPilots(spec: SlurmClusterSpec, demand: number): number {
  return wantedPilotCount({ min: spec.min_pilots, max: pilotCeiling(spec), perPilot: spec.jobs_per_pilot ?? spec.cpus_per_pilot }, demand);
}
