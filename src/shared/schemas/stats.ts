import { z } from 'zod';

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;
const MAX_PERIOD_MS = 366 * UNIT_MS.d;

/** `30m`, `24h`, `7d`, `2w`: a period back from now, in milliseconds. */
export const Period = z
  .string()
  .regex(/^\d{1,6}[mhdw]$/, 'a period is a number and a unit: 30m, 24h, 7d, 2w')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms > 0 && ms <= MAX_PERIOD_MS, 'a period is more than nothing and at most 366d');

export const StatsGrouping = z.enum(['project', 'label', 'worker']);
export type StatsGrouping = z.infer<typeof StatsGrouping>;

export const StatsQuery = z.strictObject({
  since: Period.default(7 * UNIT_MS.d),
  by: StatsGrouping.default('project'),
});
export type StatsQuery = z.input<typeof StatsQuery>;

/** GPU time of one project, label (job tag) or worker. A shared GPU counts by the memory share each job declared. */
export const GpuHoursGroup = z.object({
  key: z.string(),
  gpu_hours: z.number(),
  idle_gpu_hours: z.number(),
  attempts: z.number().int(),
});
export type GpuHoursGroup = z.infer<typeof GpuHoursGroup>;

/** An attempt holding a GPU that has stayed at or under the idle threshold for the whole window. */
export const IdleGpu = z.object({
  job_id: z.number().int(),
  attempt: z.number().int(),
  job_name: z.string(),
  project: z.string(),
  worker: z.string(),
  gpu: z.number().int(),
  /** When the idle stretch began (the start of the window that first showed it). */
  idle_since: z.number(),
  /** Latest moment it was still seen idle. */
  idle_until: z.number(),
});
export type IdleGpu = z.infer<typeof IdleGpu>;

/** Jobs submitted, and jobs reaching each final state, per hour. */
export const JobFlowPoint = z.object({ hour: z.number(), counts: z.record(z.string(), z.number().int()) });
export type JobFlowPoint = z.infer<typeof JobFlowPoint>;

export const StatsReport = z.object({
  since: z.number(),
  until: z.number(),
  by: StatsGrouping,
  groups: z.array(GpuHoursGroup),
  total: z.object({ gpu_hours: z.number(), idle_gpu_hours: z.number(), idle_share: z.number() }),
  jobs_per_hour: z.array(JobFlowPoint),
  idle_now: z.array(IdleGpu),
  /** Attempts preempted in the period, per project (optional on the wire for coordinators from before preemption counts). */
  preemptions: z.array(z.object({ project: z.string(), count: z.number().int() })).optional(),
  /** The rule in force: utilisation at or under `threshold_pct` for `minutes`. */
  idle_rule: z.object({ threshold_pct: z.number(), minutes: z.number() }),
});
export type StatsReport = z.infer<typeof StatsReport>;
