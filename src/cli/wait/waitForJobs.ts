import { ApiError, FINAL_STATES, type GantryClient, type Job } from '../../shared';

export interface WaitOptions {
  /** Stop waiting after this long; undefined waits for ever. */
  timeoutMs?: number;
  pollMs?: number;
  now?: () => number;
  /** Called after each poll with every job's latest state, in the order of `ids`. */
  onUpdate?: (jobs: Job[]) => void;
  /** Awaited once, after the first poll, before any progress is shown. */
  onFirstPoll?: (jobs: Job[]) => Promise<void>;
}

export interface WaitResult {
  jobs: Job[];
  timedOut: boolean;
}

/** Jobs asked for per request (the list route's `ids` filter takes up to 1,000). */
const PER_REQUEST = 1000;

export const isFinal = (job: Job): boolean => FINAL_STATES.includes(job.state);

/**
 * Polls the jobs until every one is in a final state or the timeout passes; final jobs are not
 * asked again, and the rest are read a thousand per request, so a big sweep costs few requests.
 */
export async function waitForJobs(client: GantryClient, ids: number[], options: WaitOptions = {}): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1_000;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  const latest = new Map<number, Job>();
  let first = true;
  for (;;) {
    const open = ids.filter((id) => !latest.has(id) || !isFinal(latest.get(id) as Job));
    for (let i = 0; i < open.length; i += PER_REQUEST) {
      const wanted = open.slice(i, i + PER_REQUEST);
      const { jobs } = await client.call('listJobs', { query: { ids: wanted, limit: PER_REQUEST } });
      for (const job of jobs) latest.set(job.id, job);
      const missing = wanted.find((id) => !latest.has(id));
      if (missing !== undefined) throw new ApiError('not_found', `job ${missing} does not exist`, 404, 'id');
    }
    const jobs = ids.map((id) => latest.get(id) as Job);
    if (first) await options.onFirstPoll?.(jobs);
    first = false;
    options.onUpdate?.(jobs);
    if (jobs.every(isFinal)) return { jobs, timedOut: false };
    const left = deadline - now();
    if (left <= 0) return { jobs, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}
