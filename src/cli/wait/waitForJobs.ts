import { FINAL_STATES, type GantryClient, type Job } from '../../shared';

export interface WaitOptions {
  /** Stop waiting after this long; undefined waits for ever. */
  timeoutMs?: number;
  pollMs?: number;
  now?: () => number;
  /** Called after each poll with every job's latest state, in the order of `ids`. */
  onUpdate?: (jobs: Job[]) => void;
}

export interface WaitResult {
  jobs: Job[];
  timedOut: boolean;
}

/** Requests in flight at once, so waiting on a large sweep does not open a thousand sockets. */
const CONCURRENCY = 8;

export const isFinal = (job: Job): boolean => FINAL_STATES.includes(job.state);

/** Polls the jobs until every one is in a final state or the timeout passes; final jobs are not asked again. */
export async function waitForJobs(client: GantryClient, ids: number[], options: WaitOptions = {}): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1_000;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const latest = new Map<number, Job>();
  for (;;) {
    const open = ids.filter((id) => !latest.has(id) || !isFinal(latest.get(id) as Job));
    for (let i = 0; i < open.length; i += CONCURRENCY) {
      const batch = await Promise.all(open.slice(i, i + CONCURRENCY).map((id) => client.call('getJob', { params: { id } })));
      for (const job of batch) latest.set(job.id, job);
    }
    const jobs = ids.map((id) => latest.get(id) as Job);
    options.onUpdate?.(jobs);
    if (jobs.every(isFinal)) return { jobs, timedOut: false };
    const left = deadline - now();
    if (left <= 0) return { jobs, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}
