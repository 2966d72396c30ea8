import { readFileSync } from 'node:fs';
import type { JobGpuUsage } from '../../shared';
import type { ComputeApp, GpuReading } from './parseNvidiaSmi';

/** A running attempt and the pid that leads its process group. */
export interface JobProcessRoot {
  job_id: number;
  attempt: number;
  pid: number;
}

export interface ProcessLink {
  ppid: number;
  pgrp: number;
}

/** Reads a process's parent and group from /proc; null where /proc is absent (macOS) or the process is gone. */
export function readProcessLink(pid: number): ProcessLink | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name sits in parentheses and may itself contain spaces and ')'; fields resume after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), pgrp: Number(fields[2]) };
  } catch {
    return null;
  }
}

/** Process trees are shallow; the cap only guards against a /proc that loops. */
const MAX_DEPTH = 64;

function findRoot(pid: number, roots: Map<number, JobProcessRoot>, readLink: (pid: number) => ProcessLink | null): JobProcessRoot | undefined {
  let current = pid;
  for (let depth = 0; depth < MAX_DEPTH && current > 1; depth++) {
    const root = roots.get(current);
    if (root) return root;
    const link = readLink(current);
    if (!link) return undefined;
    // Jobs run as leaders of their own process group, so a descendant that kept the group is found in one step.
    const byGroup = roots.get(link.pgrp);
    if (byGroup) return byGroup;
    current = link.ppid;
  }
  return undefined;
}

/** Sums the GPU memory of each job's processes per GPU; processes outside every job are ignored. */
export function attributeGpuMemory(
  apps: ComputeApp[],
  gpus: GpuReading[],
  roots: JobProcessRoot[],
  readLink: (pid: number) => ProcessLink | null = readProcessLink,
): JobGpuUsage[] {
  const indexByUuid = new Map(gpus.filter((g) => g.uuid !== null).map((g) => [g.uuid as string, g.index]));
  const rootByPid = new Map(roots.map((r) => [r.pid, r]));
  const usage = new Map<string, JobGpuUsage>();
  for (const app of apps) {
    const gpuIndex = indexByUuid.get(app.gpu_uuid);
    if (gpuIndex === undefined) continue;
    const root = findRoot(app.pid, rootByPid, readLink);
    if (!root) continue;
    const key = `${root.job_id}/${root.attempt}/${gpuIndex}`;
    const entry = usage.get(key) ?? { job_id: root.job_id, attempt: root.attempt, gpu_index: gpuIndex, memory_used_mb: 0 };
    entry.memory_used_mb += app.used_memory_mb ?? 0;
    usage.set(key, entry);
  }
  return [...usage.values()];
}
