/**
 * The health check: each check says ok, warn or fail against thresholds the caller may change.
 * Agents' clock skew is what their last heartbeat said (agent_time against the coordinator's clock).
 */
import { statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HealthCheck, HealthThresholds } from '../../../shared';
import type { CoreContext } from '../../context';
import { DB_FILE } from '../../store/database';

const MB = 1024 * 1024;
/** How long the event loop is watched; the check is on demand, so half a second is affordable. */
const LAG_SAMPLE_MS = 500;
const LAG_RESOLUTION_MS = 10;

const grade = (value: number, warn: number, fail: number, higherIsWorse = true): HealthCheck['status'] =>
  higherIsWorse ? (value >= fail ? 'fail' : value >= warn ? 'warn' : 'ok') : value <= fail ? 'fail' : value <= warn ? 'warn' : 'ok';

function integrity(ctx: CoreContext): HealthCheck {
  const rows = ctx.db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const ok = rows.length === 1 && rows[0].integrity_check === 'ok';
  return { name: 'database integrity', status: ok ? 'ok' : 'fail', message: ok ? 'integrity_check: ok' : rows.slice(0, 5).map((r) => r.integrity_check).join('; ') };
}

function diskFree(ctx: CoreContext, t: HealthThresholds): HealthCheck {
  const fs = statfsSync(ctx.dataDir);
  const freeMb = (fs.bavail * fs.bsize) / MB;
  return { name: 'disk free', status: grade(freeMb, t.disk_free_warn_mb, t.disk_free_fail_mb, false), message: `${Math.round(freeMb)} MB free where the data dir is` };
}

function walSize(ctx: CoreContext, t: HealthThresholds): HealthCheck {
  let bytes = 0;
  try {
    bytes = statSync(join(ctx.dataDir, `${DB_FILE}-wal`)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const mb = bytes / MB;
  return { name: 'WAL size', status: grade(mb, t.wal_warn_mb, t.wal_fail_mb), message: `${mb.toFixed(1)} MB` };
}

function workersReachable(ctx: CoreContext, t: HealthThresholds): HealthCheck {
  const live = ctx.sql("SELECT name, last_seen_at FROM workers WHERE state <> 'offline' ORDER BY name").all() as Array<{ name: string; last_seen_at: number }>;
  const silent = live.filter((w) => ctx.now() - w.last_seen_at > t.worker_silent_warn_s * 1000);
  if (silent.length > 0) return { name: 'workers reachable', status: 'warn', message: `silent for over ${t.worker_silent_warn_s}s: ${silent.map((w) => w.name).join(', ')}` };
  return { name: 'workers reachable', status: 'ok', message: `${live.length} worker(s) heard from within ${t.worker_silent_warn_s}s` };
}

function clockSkew(ctx: CoreContext, t: HealthThresholds): HealthCheck {
  const name = 'agent clock skew';
  const rows = ctx.sql("SELECT name, clock_skew_ms FROM workers WHERE state <> 'offline' AND clock_skew_ms IS NOT NULL ORDER BY ABS(clock_skew_ms) DESC, name").all() as Array<{ name: string; clock_skew_ms: number }>;
  if (rows.length === 0) return { name, status: 'ok', message: 'no live agent has reported its clock yet' };
  const graded = rows.map((w) => ({ ...w, status: grade(Math.abs(w.clock_skew_ms), t.clock_skew_warn_ms, t.clock_skew_fail_ms) }));
  const off = graded.filter((w) => w.status !== 'ok');
  const worst = graded[0];
  const skew = (ms: number) => `${ms >= 0 ? '+' : '-'}${(Math.abs(ms) / 1000).toFixed(1)} s`;
  if (off.length === 0) return { name, status: 'ok', message: `${rows.length} agent(s) within ${t.clock_skew_warn_ms} ms; the largest skew is ${skew(worst.clock_skew_ms)} (${worst.name})` };
  return {
    name,
    status: off.some((w) => w.status === 'fail') ? 'fail' : 'warn',
    message: `clocks off (agent minus coordinator): ${off.map((w) => `${w.name} ${skew(w.clock_skew_ms)}`).join(', ')}; sync them (NTP)`,
  };
}

async function eventLoopLag(t: HealthThresholds): Promise<HealthCheck> {
  const monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  monitor.enable();
  await new Promise((resolve) => setTimeout(resolve, LAG_SAMPLE_MS));
  monitor.disable();
  // Each reading includes the sampling interval itself: subtract it.
  const p99 = Math.max(0, monitor.percentile(99) / 1e6 - LAG_RESOLUTION_MS);
  return { name: 'event-loop lag', status: grade(p99, t.event_loop_lag_warn_ms, t.event_loop_lag_fail_ms), message: `p99 ${p99.toFixed(1)} ms over ${LAG_SAMPLE_MS} ms` };
}

export async function checkHealth(ctx: CoreContext, thresholds: HealthThresholds): Promise<HealthCheck[]> {
  return [
    integrity(ctx),
    diskFree(ctx, thresholds),
    walSize(ctx, thresholds),
    workersReachable(ctx, thresholds),
    clockSkew(ctx, thresholds),
    await eventLoopLag(thresholds),
  ];
}
