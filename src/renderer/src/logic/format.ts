import { formatDuration, quoteArgv, type Command, type Job } from '../../../shared';

/** A command as one line a shell user would recognise: a shell string as written, argv quoted where needed. */
export function commandText(command: Command): string {
  if (!Array.isArray(command)) return command.shell;
  return quoteArgv(command);
}

/**
 * Splits a command line into argv the way a POSIX shell would for quotes and backslashes,
 * without expanding anything: the job runs exactly the words the user sees.
 */
export function splitArgs(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let started = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else current += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) current += line[++i];
      else current += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      started = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) args.push(current);
      current = '';
      started = false;
    } else {
      current += ch;
      started = true;
    }
  }
  if (quote) throw new Error(`unclosed ${quote} quote`);
  if (started) args.push(current);
  return args;
}

export function formatAgo(at: number | null, now = Date.now()): string {
  if (at === null) return '—';
  const ms = now - at;
  if (ms < 5000) return 'just now';
  return `${formatDuration(ms)} ago`;
}

export function formatMb(mb: number | null): string {
  if (mb === null) return '—';
  if (mb >= 1024 * 1024) return `${(mb / 1024 / 1024).toFixed(1)} TB`;
  if (mb >= 1024) return `${(mb / 1024).toFixed(mb >= 10 * 1024 ? 0 : 1)} GB`;
  return `${Math.round(mb)} MB`;
}

export function formatTime(at: number | null): string {
  if (at === null) return '—';
  return new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** How long a job ran (or has been running). */
export function jobRuntime(job: Pick<Job, 'started_at' | 'finished_at' | 'state'>, now = Date.now()): string {
  if (job.started_at === null) return '—';
  const end = job.finished_at ?? (job.state === 'running' ? now : null);
  return end === null ? '—' : formatDuration(end - job.started_at);
}

export function resourcesText(req: Job['requirements']): string {
  const parts = [`${req.cpus} CPU`];
  if (req.gpus) parts.push(`${req.gpus} GPU${req.gpus > 1 ? 's' : ''}${req.gpu_memory_mb ? ` × ${formatMb(req.gpu_memory_mb)}` : ''}`);
  if (req.memory_mb) parts.push(formatMb(req.memory_mb));
  return parts.join(' · ');
}
