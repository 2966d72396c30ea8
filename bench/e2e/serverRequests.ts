import type { GantryClient } from '../../src/shared';

const COUNT = /^gantry_http_request_duration_seconds_count\{([^}]*)\} (\d+)/;
const FINISH = /^gantry_finish_requests_total\{transaction="(\w+)"\} (\d+)/;
const CHANNEL = /^gantry_agent_channel_calls_total\{([^}]*)\} (\d+)/;

/**
 * Requests the server has answered so far, by `METHOD route` (its Prometheus histogram's counts),
 * calls over agent channels by `WS route`, and its finish requests by transaction (`finish shared`,
 * `finish own`: whether group commit shared it).
 */
export async function requestCounts(admin: GantryClient): Promise<Map<string, number>> {
  const text = await (await admin.request('prometheusMetrics')).text();
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    const finish = FINISH.exec(line);
    if (finish) counts.set(`finish ${finish[1]}`, Number(finish[2]));
    const channel = CHANNEL.exec(line);
    const match = channel ?? COUNT.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    const key = `${channel ? 'WS' : labels.method} ${labels.route}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(match[2]));
  }
  return counts;
}

/** Requests per job between two counts, for the routes agents call (claim, finish, logs, heartbeat, …). */
export function agentRequestsPerJob(before: Map<string, number>, after: Map<string, number>, jobs: number): Map<string, number> {
  const perJob = new Map<string, number>();
  for (const [key, count] of after) {
    if (!/\/workers\/|\/jobs\/(finish|:id\/(finish|logs|metrics))/.test(key)) continue;
    const delta = count - (before.get(key) ?? 0);
    if (delta > 0) perJob.set(key, delta / jobs);
  }
  return perJob;
}

/** Of the finish requests between two counts, the share group commit ran in a transaction shared with others. */
export function sharedFinishShare(before: Map<string, number>, after: Map<string, number>): number {
  const delta = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
  const total = delta('finish shared') + delta('finish own');
  return total > 0 ? delta('finish shared') / total : Number.NaN;
}
