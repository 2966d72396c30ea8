import { z } from 'zod';

export const MaintenanceKind = z.enum(['prune', 'orphans', 'health', 'stats']);
export type MaintenanceKind = z.infer<typeof MaintenanceKind>;

export const MaintenanceState = z.enum(['running', 'succeeded', 'failed']);

/** Limits the health check compares against; each has a default. */
export const HealthThresholds = z.strictObject({
  disk_free_warn_mb: z.number().int().min(0).default(10 * 1024),
  disk_free_fail_mb: z.number().int().min(0).default(1024),
  wal_warn_mb: z.number().min(0).default(256),
  wal_fail_mb: z.number().min(0).default(2048),
  event_loop_lag_warn_ms: z.number().min(0).default(100),
  event_loop_lag_fail_ms: z.number().min(0).default(1000),
  /** A worker not offline but silent this long is unreachable. */
  worker_silent_warn_s: z.number().min(0).default(15),
  /** An agent's clock this far from the coordinator's (either way) warns, or fails: leases, logs and charts line up only on agreeing clocks. */
  clock_skew_warn_ms: z.number().min(0).default(2_000),
  clock_skew_fail_ms: z.number().min(0).default(30_000),
});
export type HealthThresholds = z.infer<typeof HealthThresholds>;

export const MaintenanceRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('prune'),
    /** Finished jobs whose end is older than this many days go, with attempts, metrics and logs. */
    older_than_days: z.number().int().min(1).max(36_500),
    dry_run: z.boolean().default(false),
  }),
  z.strictObject({ kind: z.literal('orphans'), dry_run: z.boolean().default(false) }),
  z.strictObject({ kind: z.literal('health'), thresholds: HealthThresholds.default(HealthThresholds.parse({})) }),
  z.strictObject({ kind: z.literal('stats') }),
]);
export type MaintenanceRequest = z.input<typeof MaintenanceRequest>;

export const HealthCheck = z.object({
  name: z.string(),
  status: z.enum(['ok', 'warn', 'fail']),
  message: z.string(),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

export const MaintenanceResult = z.object({
  summary: z.string(),
  /** What it did, or would do on a dry run: jobs, attempts, log_files, log_bytes, rows_<table>… */
  counts: z.record(z.string(), z.number()),
  checks: z.array(HealthCheck).default([]),
});
export type MaintenanceResult = z.infer<typeof MaintenanceResult>;

export const MaintenanceTask = z.object({
  id: z.number().int(),
  kind: MaintenanceKind,
  params: z.record(z.string(), z.unknown()),
  state: MaintenanceState,
  result: MaintenanceResult.nullable(),
  error: z.string().nullable(),
  started_at: z.number(),
  finished_at: z.number().nullable(),
});
export type MaintenanceTask = z.infer<typeof MaintenanceTask>;
