import { ValidationError, type JobFlowPoint, type StatsGrouping, type StatsReport } from '../../shared';
import type { CoreContext } from '../context';
import { gpuHoursByGroup } from './gpuHours';
import { listIdleGpus, type IdleRule } from './idleGpus';

const HOUR = 3_600_000;

/** Jobs submitted and reaching each final state, per hour since `since`, from the trigger-kept table. */
function jobsPerHour(ctx: CoreContext, since: number): JobFlowPoint[] {
  const rows = ctx.sql('SELECT hour, state, n FROM job_flow_hourly WHERE hour >= ? ORDER BY hour').all(Math.floor(since / HOUR) * HOUR) as Array<{ hour: number; state: string; n: number }>;
  const points = new Map<number, JobFlowPoint>();
  for (const row of rows) {
    const point = points.get(row.hour) ?? { hour: row.hour, counts: {} };
    point.counts[row.state] = row.n;
    points.set(row.hour, point);
  }
  return [...points.values()];
}

/** Attempts preempted in the period per project, through the partial index of preempted attempts. */
function preemptionsByProject(ctx: CoreContext, since: number): Array<{ project: string; count: number }> {
  return ctx.sql(`SELECT p.name AS project, COUNT(*) AS count FROM attempts a INDEXED BY attempts_preempted
    JOIN jobs j ON j.id = a.job_id JOIN projects p ON p.id = j.project_id
    WHERE a.outcome = 'preempted' AND a.finished_at >= ? GROUP BY p.name ORDER BY count DESC, p.name`).all(since) as Array<{ project: string; count: number }>;
}

export function statsReport(ctx: CoreContext, query: { sinceMs: number; by: StatsGrouping }, rule: IdleRule): StatsReport {
  if (!(query.sinceMs > 0)) throw new ValidationError('since: a period is more than nothing', 'since');
  const until = ctx.now();
  const period = { since: until - query.sinceMs, until };
  const groups = gpuHoursByGroup(ctx, period, query.by);
  // Labels overlap (a job may carry several), so the totals come from the project grouping, which partitions.
  const partition = query.by === 'project' ? groups : gpuHoursByGroup(ctx, period, 'project');
  const gpuHours = partition.reduce((sum, g) => sum + g.gpu_hours, 0);
  const idleHours = partition.reduce((sum, g) => sum + g.idle_gpu_hours, 0);
  return {
    since: period.since,
    until,
    by: query.by,
    groups,
    total: { gpu_hours: gpuHours, idle_gpu_hours: idleHours, idle_share: gpuHours > 0 ? idleHours / gpuHours : 0 },
    jobs_per_hour: jobsPerHour(ctx, period.since),
    idle_now: listIdleGpus(ctx),
    preemptions: preemptionsByProject(ctx, period.since),
    idle_rule: { threshold_pct: rule.thresholdPct, minutes: rule.windowMs / 60_000 },
  };
}
