/**
 * What the chat bot answers, as text: each command is a request to this server's own API with the
 * chat's token (scope chat), so the route table's scopes decide what a chat may do.
 */
import type { Explanation, Job, JobCounts, JobPage, Worker } from '../../shared';

export interface ApiAnswer {
  status: number;
  json: unknown;
}

/** Calls this server's API as the chat (its token); the bot supplies it. */
export type ChatApi = (method: 'GET' | 'POST', url: string) => Promise<ApiAnswer>;

export const HELP = ['/status: jobs per state and workers', '/jobs: the newest jobs', '/why ID: why a job is not running', '/cancel ID: cancel a job'].join('\n');

const errorText = (answer: ApiAnswer): string => (answer.json as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${answer.status}`;

async function status(api: ChatApi): Promise<string> {
  const counts = await api('GET', '/api/v1/jobs/counts');
  if (counts.status !== 200) return errorText(counts);
  const workers = await api('GET', '/api/v1/workers');
  if (workers.status !== 200) return errorText(workers);
  const c = counts.json as JobCounts;
  const states = (['running', 'queued', 'waiting', 'failed', 'blocked', 'succeeded', 'cancelled'] as const).filter((s) => c[s] > 0).map((s) => `${c[s]} ${s}`);
  const byState = new Map<string, number>();
  for (const w of workers.json as Worker[]) byState.set(w.state, (byState.get(w.state) ?? 0) + 1);
  const fleet = [...byState.entries()].map(([state, n]) => `${n} ${state}`).join(', ') || 'none';
  return `Jobs: ${states.join(', ') || 'none'}${c.unrunnable > 0 ? ` (${c.unrunnable} fit no worker)` : ''}\nWorkers: ${fleet}`;
}

async function jobs(api: ChatApi): Promise<string> {
  const page = await api('GET', '/api/v1/jobs?limit=10');
  if (page.status !== 200) return errorText(page);
  const list = (page.json as JobPage).jobs;
  if (list.length === 0) return 'No jobs.';
  return list.map((j: Job) => `#${j.id} ${j.state} ${j.name} (${j.project})`).join('\n');
}

function jobId(arg: string | undefined): number | null {
  return arg !== undefined && /^#?\d{1,15}$/.test(arg) ? Number(arg.replace('#', '')) : null;
}

async function why(api: ChatApi, arg: string | undefined): Promise<string> {
  const id = jobId(arg);
  if (id === null) return 'Usage: /why ID';
  const answer = await api('GET', `/api/v1/jobs/${id}/explain`);
  return answer.status === 200 ? `#${id}: ${(answer.json as Explanation).summary}` : errorText(answer);
}

async function cancel(api: ChatApi, arg: string | undefined): Promise<string> {
  const id = jobId(arg);
  if (id === null) return 'Usage: /cancel ID';
  const answer = await api('POST', `/api/v1/jobs/${id}/cancel`);
  return answer.status === 200 ? `#${id} is ${(answer.json as Job).state}` : errorText(answer);
}

/** `/why@my_bot 12` → { name: 'why', arg: '12' } */
export function parseCommand(text: string): { name: string; arg: string | undefined } | null {
  const match = /^\/([a-z]+)(?:@\S+)?(?:\s+(\S+))?/i.exec(text.trim());
  return match ? { name: match[1].toLowerCase(), arg: match[2] } : null;
}

/** The answer to a linked chat's command. */
export async function answerCommand(api: ChatApi, name: string, arg: string | undefined): Promise<string> {
  switch (name) {
    case 'status':
      return status(api);
    case 'jobs':
      return jobs(api);
    case 'why':
      return why(api, arg);
    case 'cancel':
      return cancel(api, arg);
    default:
      return HELP;
  }
}
