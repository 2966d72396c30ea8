import { z } from 'zod';

/** One stored metric point of a job. */
export const MetricRow = z.object({
  attempt: z.number(),
  step: z.number().nullable(),
  name: z.string(),
  value: z.number(),
  at: z.number(),
  /** Optional on the wire for coordinators from before epochs were recorded. */
  epoch: z.number().nullable().optional(),
});
export type MetricRow = z.infer<typeof MetricRow>;

/** One point of a GPU's history: a raw sample, or a one-minute average further back. */
export const GpuHistoryPoint = z.object({
  index: z.number(),
  at: z.number(),
  utilization_pct: z.number().nullable(),
  memory_used_mb: z.number().nullable(),
  memory_total_mb: z.number().nullable(),
  temperature_c: z.number().nullable(),
  power_w: z.number().nullable(),
});
export type GpuHistoryPoint = z.infer<typeof GpuHistoryPoint>;

/** The newest sample of a GPU with the jobs holding it now. */
export const GpuNow = GpuHistoryPoint.extend({ worker_id: z.string(), jobs: z.array(z.number()) });
export type GpuNow = z.infer<typeof GpuNow>;
