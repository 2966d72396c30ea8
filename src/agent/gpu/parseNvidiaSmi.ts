import type { GpuDevice, GpuSample } from '../../shared';

/** The fields of `--query-gpu` in the order QUERY_GPU_FIELDS asks for them. */
export const QUERY_GPU_FIELDS = [
  'index',
  'uuid',
  'name',
  'memory.total',
  'memory.used',
  'memory.free',
  'utilization.gpu',
  'temperature.gpu',
  'power.draw',
  'power.limit',
] as const;

export const QUERY_APPS_FIELDS = ['gpu_uuid', 'pid', 'used_memory'] as const;

/** One GPU as `nvidia-smi --query-gpu` describes it; null where the driver printed `[N/A]` or similar. */
export interface GpuReading {
  index: number;
  uuid: string | null;
  model: string;
  memory_total_mb: number | null;
  memory_used_mb: number | null;
  memory_free_mb: number | null;
  utilization_pct: number | null;
  temperature_c: number | null;
  power_w: number | null;
  power_limit_w: number | null;
}

/** One process holding GPU memory, from `--query-compute-apps`. */
export interface ComputeApp {
  gpu_uuid: string;
  pid: number;
  /** Null under MIG and on drivers that print `[N/A]` or `[Not Supported]`. */
  used_memory_mb: number | null;
}

/** The driver prints this (with exit code 6) on a host with the binary but no usable GPU. */
const NO_DEVICES = /no devices were found/i;

function rows(text: string): string[][] {
  if (NO_DEVICES.test(text)) return [];
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(',').map((cell) => cell.trim()));
}

/** `[N/A]`, `[Not Supported]`, `[Insufficient Permissions]`, `N/A`, and anything else non-numeric read as unknown. */
function numberOrNull(cell: string | undefined): number | null {
  if (cell === undefined || cell === '' || cell.startsWith('[') || /^n\/a$/i.test(cell)) return null;
  const value = Number(cell);
  return Number.isFinite(value) ? value : null;
}

function textOrNull(cell: string | undefined): string | null {
  if (cell === undefined || cell === '' || cell.startsWith('[')) return null;
  return cell;
}

/** Parses `--query-gpu=<QUERY_GPU_FIELDS> --format=csv,noheader,nounits`; skips lines without a numeric index. */
export function parseGpuQuery(text: string): GpuReading[] {
  const readings: GpuReading[] = [];
  for (const cells of rows(text)) {
    if (cells.length < QUERY_GPU_FIELDS.length) continue;
    const index = numberOrNull(cells[0]);
    if (index === null || !Number.isInteger(index) || index < 0) continue;
    const [, uuid, model, total, used, free, util, temp, power, limit] = cells;
    readings.push({
      index,
      uuid: textOrNull(uuid),
      model: textOrNull(model) ?? 'unknown GPU',
      memory_total_mb: numberOrNull(total),
      memory_used_mb: numberOrNull(used),
      memory_free_mb: numberOrNull(free),
      utilization_pct: numberOrNull(util),
      temperature_c: numberOrNull(temp),
      power_w: numberOrNull(power),
      power_limit_w: numberOrNull(limit),
    });
  }
  return readings;
}

/** Parses `--query-compute-apps=<QUERY_APPS_FIELDS> --format=csv,noheader,nounits`. */
export function parseComputeApps(text: string): ComputeApp[] {
  const apps: ComputeApp[] = [];
  for (const cells of rows(text)) {
    const [uuid, pidCell, memory] = cells;
    const pid = numberOrNull(pidCell);
    const gpuUuid = textOrNull(uuid);
    if (gpuUuid === null || pid === null || !Number.isInteger(pid) || pid <= 0) continue;
    apps.push({ gpu_uuid: gpuUuid, pid, used_memory_mb: numberOrNull(memory) });
  }
  return apps;
}

export function toGpuDevice(reading: GpuReading): GpuDevice {
  return {
    index: reading.index,
    uuid: reading.uuid,
    model: reading.model,
    memory_total_mb: reading.memory_total_mb ?? 0,
    memory_free_mb: reading.memory_free_mb,
  };
}

export function toGpuSample(reading: GpuReading): GpuSample {
  return {
    index: reading.index,
    uuid: reading.uuid,
    model: reading.model,
    utilization_pct: reading.utilization_pct,
    memory_used_mb: reading.memory_used_mb,
    memory_total_mb: reading.memory_total_mb,
    temperature_c: reading.temperature_c,
    power_w: reading.power_w,
    power_limit_w: reading.power_limit_w,
  };
}
