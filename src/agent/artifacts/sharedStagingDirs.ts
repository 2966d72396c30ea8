/** The jobs on this worker still using one directory's staged inputs, and what they staged there. */
interface DirUsers {
  users: number;
  staged: string[];
  keep: boolean;
}

/**
 * Staged inputs per working directory, shared by the jobs of this worker that stage into the same
 * one (the same `--cwd`). Staging leaves a file another job staged there as it is when the bytes
 * are the same, so the second job reads the first job's copy; removing each job's own paths as it
 * ends would pull that copy from under the job still reading it. Instead, what jobs stage into a
 * directory stays until the last job staging into it or running in it ends, which then removes
 * all of it. One of them kept its inputs (`keep_inputs`): nothing of the group is removed, since
 * its files may be ones another job of the group staged. Per agent process: jobs of other agents
 * (another worker on a shared filesystem) are not counted.
 */
export class SharedStagingDirs {
  private readonly dirs = new Map<string, DirUsers>();

  /** A job starts staging into `dir` (an absolute path). */
  enter(dir: string): void {
    const known = this.dirs.get(dir);
    if (known) known.users++;
    else this.dirs.set(dir, { users: 1, staged: [], keep: false });
  }

  /**
   * A job that entered `dir` is done with it, having staged `staged` there (to keep, with `keep`).
   * Answers the paths to remove now: what the group staged, once this was its last job; else none.
   */
  leave(dir: string, staged: readonly string[], keep: boolean): string[] {
    const known = this.dirs.get(dir);
    if (!known) return keep ? [] : [...staged];
    known.staged.push(...staged);
    known.keep ||= keep;
    if (--known.users > 0) return [];
    this.dirs.delete(dir);
    return known.keep ? [] : known.staged;
  }
}
