import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** At most this many job ids go up with one heartbeat; the rest wait for later beats. */
const MAX_LISTED = 10_000;

/**
 * The per-job checkpoint directories under the agent's state dir (GANTRY_CHECKPOINT_DIR, named by
 * job id). They outlive attempts, so a preempted job resumes; the coordinator says at a heartbeat
 * which jobs have ended for good (or are gone), and their directories go then.
 */
export class CheckpointDirs {
  constructor(readonly root: string) {}

  /** Job ids that have a directory here (a few, most beats: jobs end and their directories go). */
  jobIds(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.filter((name) => /^[1-9]\d*$/.test(name)).map(Number).filter(Number.isSafeInteger).slice(0, MAX_LISTED);
  }

  /**
   * Most jobs never write a checkpoint, so their directory goes with one rmdir; rmSync's recursive
   * walk (lstat, readdir, rmdir) is kept for the ones that did. Every job has a directory, so at a
   * high job rate this is per-job work (see bench/README.md, e2e.agent.cpu_ms_per_job).
   */
  remove(jobId: number): void {
    const dir = join(this.root, String(jobId));
    try {
      rmdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
