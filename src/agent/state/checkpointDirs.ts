import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';

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
 *
 * The directory of an attempt that ended is handed on as it is: released at the attempt's end, it
 * is checked (still untouched) and renamed to the next job's name when that job starts, one rename
 * a job instead of a rename into place and another aside at the next heartbeat (and no mkdir when
 * the spares ran out between two beats). An empty directory holds no checkpoint, so a later attempt
 * of the same job loses nothing by getting another empty one.
 */
export class CheckpointDirs {
  /** Spare directories: empty, 0700, this process's own, not a link (checked as they were put aside). */
  private readonly spares: string[] = [];
  /**
   * Directories of attempts that ended, still under their job's name, to be renamed to the next
   * job's: checked untouched only then, so what a job's last process wrote at its end is seen.
   */
  private readonly released = new Set<string>();
  private nextSpare = 0;
  /** `root` and a separator: a job's path is one concatenation, not a `join` that normalizes (~15 µs a job). */
  private readonly prefix: string;

  constructor(
    readonly root: string,
    private readonly maxSpares = MAX_SPARES,
  ) {
    this.prefix = root.endsWith(sep) ? root : root + sep;
  }

  /**
   * Job ids that have a directory here (a few, most beats: jobs end and their directories go).
   * Released ones too: one a job wrote to must still go once the coordinator says the job ended.
   */
  jobIds(): number[] {
    return this.names()
      .filter((name) => /^[1-9]\d*$/.test(name))
      .map(Number)
      .filter(Number.isSafeInteger)
      .slice(0, MAX_LISTED);
  }

  /**
   * The job's directory, there when this returns: the one an earlier attempt left (with its
   * checkpoints), else a released or spare directory renamed into place, else a new one made 0700.
   */
  prepare(jobId: number): string {
    const dir = this.prefix + String(jobId);
    // An earlier attempt of this job ended here and released its directory: it is the job's own.
    if (this.released.delete(dir)) return dir;
    if (this.renameReleased(dir)) return dir;
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
   * The job's attempt ended and no other attempt of it runs here: its directory may go to the next
   * job, if it is still untouched then. Nothing is read or written now; at most `maxSpares` wait.
   */
  release(jobId: number): void {
    if (this.released.size >= this.maxSpares) return;
    this.released.add(this.prefix + String(jobId));
  }

  /**
   * Most jobs never write a checkpoint, so their directory is kept aside for the next job when it
   * is still as prepare() made it; rmSync's recursive walk (lstat, readdir, rmdir) is kept for the ones that did.
   */
  remove(jobId: number): void {
    const dir = this.prefix + String(jobId);
    this.released.delete(dir);
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

  /**
   * Renames a released directory that is still untouched to `dir`; false when none is. One written
   * to stays under its job's name (listed again), for the heartbeat to remove once the job ended for good.
   */
  private renameReleased(dir: string): boolean {
    for (const released of this.released) {
      this.released.delete(released);
      if (!isUntouched(released)) continue;
      try {
        renameSync(released, dir);
        return true;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        // Gone meanwhile: the next one. `dir` is there already (a rename onto it refused): it is the job's.
        if (code === 'ENOENT') continue;
        if (code === 'ENOTEMPTY' || code === 'EEXIST') {
          this.released.add(released);
          return true;
        }
        throw error;
      }
    }
    return false;
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

/** This process's user, asked once: each call is a syscall, and the directory of every job is checked. */
const AGENT_UID = process.getuid?.();

/**
 * Still as prepare() makes a directory: a real directory (a job may have put a link in its place),
 * mode 0700, owned by this process's user, and empty. Only such a one may be handed to another job.
 */
function isUntouched(dir: string): boolean {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory() || (stat.mode & 0o7777) !== 0o700) return false;
  if (AGENT_UID !== undefined && stat.uid !== AGENT_UID) return false;
  return readdirSync(dir).length === 0;
}
