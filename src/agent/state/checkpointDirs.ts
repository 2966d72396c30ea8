import { readdirSync, rmSync } from 'node:fs';
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

  remove(jobId: number): void {
    rmSync(join(this.root, String(jobId)), { recursive: true, force: true });
  }
}
