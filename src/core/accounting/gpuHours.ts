/**
 * GPU-hours over a period, per project, label (job tag) or worker, from attempts and the GPUs they
 * held. A whole GPU counts 1 per hour; a shared one (the job declared gpu_memory_mb) counts its
 * declared share of the GPU's memory, so jobs packed onto one GPU never add up to more than it.
 * A job with several labels counts fully under each; a job with none under "(none)".
 * Idle GPU-hours are the idle spans that overlap the period, weighted by the same share.
 */
import type { GpuDevice, GpuHoursGroup, StatsGrouping } from '../../shared';
import type { CoreContext } from '../context';

const HOUR = 3_600_000;
const NO_LABEL = '(none)';

interface GpuAttempt {
  job_id: number;
  attempt: number;
  worker_id: string;
  started_at: number;
  finished_at: number | null;
  gpus: string;
  project: string;
}

interface Period {
  since: number;
  until: number;
}

const overlap = (from: number, to: number, p: Period): number => Math.max(0, Math.min(to, p.until) - Math.max(from, p.since));

/** Total memory of each GPU of each worker, by `worker_id/index`. */
function gpuTotals(ctx: CoreContext): Map<string, number> {
  const totals = new Map<string, number>();
  for (const w of ctx.sql('SELECT id, gpus FROM workers').all() as Array<{ id: string; gpus: string }>) {
    for (const g of JSON.parse(w.gpus) as GpuDevice[]) totals.set(`${w.id}/${g.index}`, g.memory_total_mb);
  }
  return totals;
}

function attemptsInPeriod(ctx: CoreContext, period: Period): GpuAttempt[] {
  const columns = 'a.job_id, a.attempt, a.worker_id, a.started_at, a.finished_at, a.gpus, p.name AS project';
  const from = 'attempts a JOIN jobs j ON j.id = a.job_id JOIN projects p ON p.id = j.project_id';
  // Two index-served halves: finished GPU attempts by end time (attempts_gpu_finished), and the few still open.
  const finished = ctx.sql(`SELECT ${columns} FROM ${from} WHERE a.gpus <> '[]' AND a.finished_at >= ? AND a.started_at < ?`).all(period.since, period.until) as GpuAttempt[];
  const open = ctx.sql(`SELECT ${columns} FROM ${from} WHERE a.finished_at IS NULL AND a.gpus <> '[]' AND a.started_at < ?`).all(period.until) as GpuAttempt[];
  return [...finished, ...open];
}

function groupKeys(ctx: CoreContext, a: GpuAttempt, by: StatsGrouping, workerNames: Map<string, string>): string[] {
  if (by === 'project') return [a.project];
  if (by === 'worker') return [workerNames.get(a.worker_id) ?? a.worker_id];
  const tags = (ctx.sql('SELECT tag FROM job_tags WHERE job_id = ? ORDER BY tag').all(a.job_id) as Array<{ tag: string }>).map((t) => t.tag);
  return tags.length > 0 ? tags : [NO_LABEL];
}

export function gpuHoursByGroup(ctx: CoreContext, period: Period, by: StatsGrouping): GpuHoursGroup[] {
  const totals = gpuTotals(ctx);
  const workerNames = new Map((ctx.sql('SELECT id, name FROM workers').all() as Array<{ id: string; name: string }>).map((w) => [w.id, w.name]));
  const groups = new Map<string, GpuHoursGroup>();
  const idleSpans = ctx.sql('SELECT job_id, attempt, gpu_index, idle_since, idle_until FROM gpu_idle_spans WHERE idle_until >= ? AND idle_since < ?').all(period.since, period.until) as Array<{
    job_id: number;
    attempt: number;
    gpu_index: number;
    idle_since: number;
    idle_until: number;
  }>;
  const idleByGpu = new Map<string, number>();
  for (const s of idleSpans) {
    const key = `${s.job_id}/${s.attempt}/${s.gpu_index}`;
    idleByGpu.set(key, (idleByGpu.get(key) ?? 0) + overlap(s.idle_since, s.idle_until, period));
  }

  for (const a of attemptsInPeriod(ctx, period)) {
    const heldMs = overlap(a.started_at, a.finished_at ?? ctx.now(), period);
    let gpuMs = 0;
    let idleMs = 0;
    for (const g of JSON.parse(a.gpus) as Array<{ index: number; memory_mb: number | null }>) {
      const total = totals.get(`${a.worker_id}/${g.index}`);
      const share = g.memory_mb === null || !total ? 1 : Math.min(1, g.memory_mb / total);
      gpuMs += heldMs * share;
      idleMs += (idleByGpu.get(`${a.job_id}/${a.attempt}/${g.index}`) ?? 0) * share;
    }
    for (const key of groupKeys(ctx, a, by, workerNames)) {
      const group = groups.get(key) ?? { key, gpu_hours: 0, idle_gpu_hours: 0, attempts: 0 };
      group.gpu_hours += gpuMs / HOUR;
      group.idle_gpu_hours += idleMs / HOUR;
      group.attempts += 1;
      groups.set(key, group);
    }
  }
  return [...groups.values()].sort((x, y) => y.gpu_hours - x.gpu_hours || x.key.localeCompare(y.key));
}
