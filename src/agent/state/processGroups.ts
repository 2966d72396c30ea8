import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { JsonlJournal, removeFile, type JournalEntry } from './jsonlJournal';

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

/** One file per attempt, as agents before the journal kept them: still read at start, so an upgrade reaps what the old agent left. */
const OLD_RECORD = /^j\d+-a\d+\.json$/;
const JOURNAL = 'running.jsonl';
/** Past this size the journal is rewritten with only the attempts still running (every ~2,000 jobs). */
const COMPACT_BYTES = 256 * 1024;

type JournalLine = GroupRecord | { forget: [number, number] };

const keyOf = (jobId: number, attempt: number): string => `${jobId}/${attempt}`;

export function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return null;
  }
}

/** The attempts a journal's lines leave running (damaged lines were skipped in reading). */
function replay(entries: JournalEntry<JournalLine>[]): Map<string, GroupRecord> {
  const live = new Map<string, GroupRecord>();
  for (const { line: entry } of entries) {
    if ('forget' in entry) live.delete(keyOf(entry.forget[0], entry.forget[1]));
    else if (Number.isInteger(entry.job_id) && Number.isInteger(entry.attempt) && Number.isInteger(entry.pgid)) live.set(keyOf(entry.job_id, entry.attempt), entry);
  }
  return live;
}

/**
 * The process groups of running attempts, in an append-only journal under `<state dir>/groups`, so
 * an agent that died (SIGKILL, OOM, a crash) leaves behind the names of the process groups it could
 * not stop, for the next start. A line per start and per end: a file per attempt (create, rename,
 * unlink) cost ~50 µs of CPU and up to a millisecond of blocked event loop per job on ext4, an
 * appended line ~4 µs (bench/README.md, e2e.agent.cpu_ms_per_job). Like the files before it, it is
 * not fsynced: it outlives the agent's process, not the machine, whose reboot ends the groups anyway.
 */
export class ProcessGroupRecords {
  private readonly dir: string;
  private readonly journal: JsonlJournal<JournalLine>;
  private readonly bootId = currentBootId();
  /** Attempts recorded and not yet forgotten, an earlier run's included until discarded. */
  private readonly live: Map<string, GroupRecord>;
  private readonly earlier: GroupRecord[];

  constructor(stateDir: string) {
    this.dir = join(stateDir, 'groups');
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.journal = new JsonlJournal<JournalLine>(join(this.dir, JOURNAL));
    this.live = replay(this.journal.takeEntries());
    this.earlier = [...this.live.values()];
  }

  record(jobId: number, attempt: number, pgid: number): void {
    const record: GroupRecord = { job_id: jobId, attempt, pgid, boot_id: this.bootId };
    this.live.set(keyOf(jobId, attempt), record);
    this.journal.append(record);
  }

  /** The attempt ended; nothing is written for one that never got a process group. */
  forget(jobId: number, attempt: number): void {
    if (!this.live.delete(keyOf(jobId, attempt))) return;
    if (!this.journal.appendClosing({ forget: [jobId, attempt] })) return;
    if (this.journal.size > COMPACT_BYTES) this.journal.rewrite(this.live.values());
  }

  /** What an earlier run left: attempts whose processes may still run. Damaged records are dropped. */
  leftovers(): LeftoverGroup[] {
    const records: LeftoverGroup[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!OLD_RECORD.test(name)) continue;
      const file = join(this.dir, name);
      try {
        records.push({ ...(JSON.parse(readFileSync(file, 'utf8')) as GroupRecord), file });
      } catch {
        removeFile(file);
      }
    }
    const stillLive = this.earlier.filter((record) => this.live.has(keyOf(record.job_id, record.attempt)));
    return [...records, ...stillLive.map((record) => ({ ...record, file: this.journal.file }))];
  }

  /** Drops a leftover record once its group is dealt with. */
  discard(leftover: LeftoverGroup): void {
    if (leftover.file === this.journal.file) this.forget(leftover.job_id, leftover.attempt);
    else removeFile(leftover.file);
  }

  /** Whether the record was written since the last boot, so its number may still be the attempt's group. */
  fromThisBoot(record: GroupRecord): boolean {
    return record.boot_id === this.bootId;
  }

  /** Closes the journal; a later record opens it again. */
  close(): void {
    this.journal.close();
  }
}

/** Whether /proc can tell which processes belong to a group (Linux). */
export const canInspectProcesses = (): boolean => existsSync('/proc/self/stat');
