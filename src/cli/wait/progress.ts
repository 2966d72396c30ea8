import { formatDuration, type Job, type JobState } from '../../shared';
import { isFinal } from './waitForJobs';

export function countStates(jobs: readonly Job[]): Partial<Record<JobState, number>> {
  const counts: Partial<Record<JobState, number>> = {};
  for (const job of jobs) counts[job.state] = (counts[job.state] ?? 0) + 1;
  return counts;
}

/** One line: `[#########-----------] 9/20 ended · 3 running · 8 queued · 8 succeeded · 1 failed · 1m04s`. */
export function renderProgressBar(jobs: readonly Job[], elapsedMs: number, width = 24): string {
  const done = jobs.filter(isFinal).length;
  const filled = jobs.length === 0 ? width : Math.round((done / jobs.length) * width);
  const counts = countStates(jobs);
  const parts = (['running', 'queued', 'waiting', 'succeeded', 'failed', 'cancelled', 'blocked'] as const)
    .filter((state) => counts[state])
    .map((state) => `${counts[state]} ${state}`);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${jobs.length} ended · ${parts.join(' · ')} · ${formatDuration(elapsedMs)}`;
}

/**
 * Shows progress on stderr: a bar redrawn in place on a terminal; otherwise one plain line per job
 * as it reaches a final state, numbered in the order they are reported, which reads well in CI logs.
 */
export class WaitProgress {
  private readonly reported = new Set<number>();
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WritableStream & { isTTY?: boolean },
    private readonly startedAt: number,
    private readonly now: () => number,
  ) {}

  update(jobs: readonly Job[]): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${renderProgressBar(jobs, this.now() - this.startedAt)}`);
      this.drawn = true;
      return;
    }
    for (const job of jobs) {
      if (!isFinal(job) || this.reported.has(job.id)) continue;
      this.reported.add(job.id);
      const exit = job.exit_code === null ? '' : ` (exit ${job.exit_code})`;
      // The count is of jobs reported so far, so lines read 1/20, 2/20, … even when several end in one poll.
      this.stream.write(`job ${job.id} ${job.state}${exit} [${this.reported.size}/${jobs.length}]\n`);
    }
  }

  /** A line printed above the bar (or among the plain lines) without breaking either. */
  note(text: string): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${text}\n`);
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
