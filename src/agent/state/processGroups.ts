import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A process group the agent started for one attempt, as recorded on disk until the attempt ends. */
export interface GroupRecord {
  job_id: number;
  attempt: number;
  pgid: number;
  /** Linux's boot id when it started: after a reboot the number may name someone else's group. */
  boot_id: string | null;
}

/** A record found on disk at start, with the file it came from. */
export type LeftoverGroup = GroupRecord & { file: string };

const NAME = /^j\d+-a\d+\.json$/;

function removeFile(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

export function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * One file per running attempt under `<state dir>/groups`, so an agent that died (SIGKILL, OOM,
 * a crash) leaves behind the names of the process groups it could not stop, for the next start.
 */
export class ProcessGroupRecords {
  private readonly dir: string;
  private readonly bootId = currentBootId();

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'groups');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  record(jobId: number, attempt: number, pgid: number): void {
    const file = this.file(jobId, attempt);
    const record: GroupRecord = { job_id: jobId, attempt, pgid, boot_id: this.bootId };
    writeFileSync(`${file}.tmp`, JSON.stringify(record), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  forget(jobId: number, attempt: number): void {
    removeFile(this.file(jobId, attempt));
  }

  /** What an earlier run left: attempts whose processes may still run. Damaged records are dropped. */
  leftovers(): LeftoverGroup[] {
    const records: LeftoverGroup[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!NAME.test(name)) continue;
      const file = join(this.dir, name);
      try {
        records.push({ ...(JSON.parse(readFileSync(file, 'utf8')) as GroupRecord), file });
      } catch {
        removeFile(file);
      }
    }
    return records;
  }

  /** Drops a leftover record once its group is dealt with. */
  discard(leftover: LeftoverGroup): void {
    removeFile(leftover.file);
  }

  /** Whether the record was written since the last boot, so its number may still be the attempt's group. */
  fromThisBoot(record: GroupRecord): boolean {
    return record.boot_id === this.bootId;
  }

  private file(jobId: number, attempt: number): string {
    return join(this.dir, `j${jobId}-a${attempt}.json`);
  }
}

/** Whether /proc can tell which processes belong to a group (Linux). */
export const canInspectProcesses = (): boolean => existsSync('/proc/self/stat');
