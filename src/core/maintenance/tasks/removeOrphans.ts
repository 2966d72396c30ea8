/**
 * Files in the data dir that no row owns: log folders of jobs that no longer exist, and attempt
 * logs of attempts that do not exist. Anything else in logs/ is left alone (it is not ours to judge).
 */
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreContext } from '../../context';

export interface OrphanCounts {
  job_dirs: number;
  log_files: number;
  bytes: number;
}

function bytesUnder(path: string): { files: number; bytes: number } {
  const stat = statSync(path);
  if (!stat.isDirectory()) return { files: 1, bytes: stat.size };
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(path)) {
    const inner = bytesUnder(join(path, entry));
    files += inner.files;
    bytes += inner.bytes;
  }
  return { files, bytes };
}

export function removeOrphans(ctx: CoreContext, dryRun: boolean): OrphanCounts {
  const counts: OrphanCounts = { job_dirs: 0, log_files: 0, bytes: 0 };
  const logsDir = join(ctx.dataDir, 'logs');
  let entries: string[];
  try {
    entries = readdirSync(logsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return counts;
    throw error;
  }
  const remove = (path: string, whole: boolean) => {
    const size = bytesUnder(path);
    if (whole) counts.job_dirs += 1;
    counts.log_files += size.files;
    counts.bytes += size.bytes;
    if (!dryRun) rmSync(path, { recursive: true, force: true });
  };
  for (const name of entries.filter((e) => /^\d+$/.test(e))) {
    const jobId = Number(name);
    const dir = join(logsDir, name);
    if (!ctx.sql('SELECT 1 FROM jobs WHERE id = ?').get(jobId)) {
      remove(dir, true);
      continue;
    }
    for (const file of readdirSync(dir).filter((f) => /^\d+\.log$/.test(f))) {
      const attempt = Number(file.slice(0, -4));
      if (!ctx.sql('SELECT 1 FROM attempts WHERE job_id = ? AND attempt = ?').get(jobId, attempt)) remove(join(dir, file), false);
    }
  }
  return counts;
}
