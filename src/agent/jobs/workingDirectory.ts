import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ClaimedJob } from '../../shared';

/** What a worker needs to know to place a job: which machine it is on, its name, and where scratch dirs go. */
export interface Placement {
  /** This machine, as src/shared/machine.ts names it. */
  machine: string;
  workerName: string;
  /** Per-attempt scratch directories are made here, under the agent's state dir. */
  scratchRoot: string;
}

export type WorkingDirectory = { cwd: string } | { error: string };

function expandHome(path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return path;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function scratchDirectory(claimed: ClaimedJob, placement: Placement): string {
  const scratch = join(placement.scratchRoot, `j${claimed.job.id}-a${claimed.attempt}`);
  mkdirSync(scratch, { recursive: true, mode: 0o700 });
  return scratch;
}

/**
 * Where a job runs. Its own cwd when that is a path here: submitted from this machine, or given
 * for any worker (a shared filesystem); it must exist, or the attempt fails before spawning. A
 * directory submitted from another machine means nothing here, so the attempt gets a scratch
 * directory of its own. No cwd at all: the home directory. A synced job: a scratch directory too,
 * whatever its cwd, where its synced copy is staged.
 */
export function chooseWorkingDirectory(claimed: ClaimedJob, placement: Placement): WorkingDirectory {
  const { cwd, cwd_machine: machine } = claimed.job;
  // A synced job (`sync`) runs in its copy of the directory, which staging puts into the attempt's own scratch directory.
  if (claimed.job.inputs?.some((input) => input.workdir)) return { cwd: scratchDirectory(claimed, placement) };
  if (!cwd) return { cwd: homedir() };
  if (machine && machine !== placement.machine) return { cwd: scratchDirectory(claimed, placement) };
  const path = expandHome(cwd);
  if (!isDirectory(path)) return { error: `cwd ${path} does not exist on worker ${placement.workerName}` };
  return { cwd: path };
}
