import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** At most this many job ids go up with one heartbeat; the rest wait for later beats. */
const MAX_LISTED = 10_000;

/**
 * Empty directories kept for the next jobs, at most: enough for the jobs that end between two
 * heartbeats (removals come with a beat) at a few hundred jobs a second.
 */
const MAX_SPARES = 1_024;

const SPARE_PREFIX = '.spare-';

/**
 * The per-job checkpoint directories under the agent's state dir (GANTRY_CHECKPOINT_DIR, named by
 * job id). They outlive attempts, so a preempted job resumes; the coordinator says at a heartbeat
 * which jobs have ended for good (or are gone), and their directories go then.
 *
 * Every job gets a directory, so at a high job rate this is per-job work (bench/README.md,
 * e2e.agent.cpu_ms_per_job). An empty directory that goes is renamed aside as a spare, and the next
 * job's directory is a spare renamed into place: on ext4 a mkdir searches for a free inode past the
 * ones deleted recently, which at hundreds of directories a second was ~15% of the agent's CPU, and
 * a rename allocates and frees nothing.
 */
export class CheckpointDirs {
  /** Spare directories: empty, 0700, this process's own, not a link (checked as they were put aside). */
  private readonly spares: string[] = [];
  private nextSpare = 0;

  constructor(
    readonly root: string,
    private readonly maxSpares = MAX_SPARES,
  ) {}

  /** Job ids that have a directory here (a few, most beats: jobs end and their directories go). */
  jobIds(): number[] {
    return this.names()
      .filter((name) => /^[1-9]\d*$/.test(name))
      .map(Number)
      .filter(Number.isSafeInteger)
      .slice(0, MAX_LISTED);
  }

  /**
   * The job's directory, there when this returns: the one an earlier attempt left (with its
   * checkpoints), else a spare renamed into place, else a new one made 0700.
   */
  prepare(jobId: number): string {
    const dir = join(this.root, String(jobId));
    const spare = this.spares.pop();
    if (spare !== undefined) {
      try {
        // Replaces an empty directory of the same name; refuses (ENOTEMPTY) one an earlier attempt wrote to.
        renameSync(spare, dir);
        return dir;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          this.spares.push(spare);
          return dir;
        }
        if (code !== 'ENOENT') throw error;
      }
    }
    makeDir(dir);
    return dir;
  }

  /**
   * Most jobs never write a checkpoint, so their directory is kept aside for the next job when it
   * is still as prepare() made it; rmSync's recursive walk (lstat, readdir, rmdir) is kept for the ones that did.
   */
  remove(jobId: number): void {
    const dir = join(this.root, String(jobId));
    if (this.spares.length < this.maxSpares && isUntouched(dir)) return this.putAside(dir);
    try {
      rmdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      // ENOTDIR: the job put a file or a link in its directory's place; rmSync removes the link, not where it points.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'ENOTDIR') throw error;
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /**
   * At agent start: spares an earlier run left are taken back when still untouched, removed
   * otherwise (a process of a job that outlived it may have written to one since).
   */
  adoptSpares(): void {
    for (const name of this.names()) {
      if (!name.startsWith(SPARE_PREFIX)) continue;
      const path = join(this.root, name);
      if (this.spares.length < this.maxSpares && isUntouched(path)) this.spares.push(path);
      else rmSync(path, { recursive: true, force: true });
      this.nextSpare = Math.max(this.nextSpare, Number(name.slice(SPARE_PREFIX.length)) + 1 || 0);
    }
  }

  /** Keeps `dir` as a spare; one already gone is nothing to keep. */
  private putAside(dir: string): void {
    // Named uniquely so it never replaces a spare still in the pool (a rename onto an empty directory would).
    const spare = join(this.root, `${SPARE_PREFIX}${this.nextSpare++}`);
    try {
      renameSync(dir, spare);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    this.spares.push(spare);
  }

  private names(): string[] {
    try {
      return readdirSync(this.root);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

/** A new 0700 directory; the recursive form's extra work cost ~25 µs of CPU per job, so only when the root is missing. */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') mkdirSync(dir, { recursive: true, mode: 0o700 });
    else if (code !== 'EEXIST') throw error;
  }
}

/**
 * Still as prepare() makes a directory: a real directory (a job may have put a link in its place),
 * mode 0700, owned by this process's user, and empty. Only such a one may be handed to another job.
 */
function isUntouched(dir: string): boolean {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory() || (stat.mode & 0o7777) !== 0o700) return false;
  if (process.getuid && stat.uid !== process.getuid()) return false;
  return readdirSync(dir).length === 0;
}
