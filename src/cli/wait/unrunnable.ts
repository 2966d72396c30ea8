import type { GantryClient, Job, Reason } from '../../shared';
import { formatIdRanges } from '../format/idRanges';

/** Reasons that mean no worker ever seen could run the job, not merely that none is free now. */
const NEVER: ReadonlySet<Reason['code']> = new Set(['no_worker_large_enough', 'no_worker_with_tags']);

export interface UnrunnableGroup {
  ids: number[];
  /** The scheduler's own words for one job of the group. */
  reason: string;
}

/**
 * Queued jobs that can never run on any worker seen, grouped by requirements: jobs of one sweep share
 * them, so one `explain` per distinct requirement set answers for thousands of jobs.
 */
export async function findUnrunnable(client: GantryClient, jobs: readonly Job[]): Promise<UnrunnableGroup[]> {
  const byShape = new Map<string, number[]>();
  for (const job of jobs) {
    if (job.state !== 'queued') continue;
    const key = JSON.stringify(job.requirements);
    byShape.set(key, [...(byShape.get(key) ?? []), job.id]);
  }
  const groups: UnrunnableGroup[] = [];
  for (const ids of byShape.values()) {
    const explanation = await client.call('explainJob', { params: { id: ids[0] } });
    const never = explanation.reasons.find((reason) => NEVER.has(reason.code));
    if (never) groups.push({ ids, reason: never.message });
  }
  return groups;
}

export function describeUnrunnable(group: UnrunnableGroup): string {
  const count = group.ids.length;
  return `job${count === 1 ? '' : 's'} ${formatIdRanges(group.ids)} can never run on any worker seen: ${group.reason} (gantry why ${group.ids[0]})`;
}
